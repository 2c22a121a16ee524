"""Campaign templates that reproduce the three kinds of plan in the seed documents. Admins
create their own campaign from one of these and adjust it; templates stay editable in the admin."""

import datetime

from django.db import migrations

ALL = ["collective", "manager", "teacher", "staff", "student"]

TEMPLATES = [
    {
        "code": "MAU-TUYEN-TRUYEN-NAM",
        "name": "Mẫu: Kế hoạch phát hiện, tuyên truyền gương điển hình tiên tiến hằng năm (cấp trường)",
        "description": "Theo mô hình Kế hoạch 384/KH-THPTST của Trường THPT Sơn Trà: tổ chuyên môn, "
                       "cán bộ quản lý, giáo viên, nhân viên, học sinh; báo cáo và giới thiệu điển "
                       "hình lên Sở trước ngày 30/11 hằng năm.",
        "categories": ALL,
        "titles": ["DHTT"],
        "criteria": {"collective": "THPTST-2023-TAPTHE", "manager": "THPTST-2023-CBQL",
                     "teacher": "THPTST-2023-GV", "staff": "THPTST-2023-NV",
                     "student": "THPTST-2023-HS"},
        "report_template": "short",
    },
    {
        "code": "MAU-DIEN-HINH-THEO-QUY",
        "name": "Mẫu: Lựa chọn điển hình tiên tiến hằng quý (mỗi trường 1 điển hình mỗi quý)",
        "description": "Theo mô hình kế hoạch của Phòng GDĐT Quận 1: mỗi trường chọn 1 điển hình "
                       "mỗi quý, gửi trước ngày 03 của tháng đầu quý sau; cấp trên chọn 1 điển "
                       "hình tiêu biểu nhất gửi lên. Báo cáo tóm tắt khoảng 1.000 từ, ảnh 4x6, "
                       "bảng mô hình, công trình và video ngắn.",
        "categories": ["collective", "teacher"],
        "titles": ["DHTT"],
        "criteria": {"collective": "THPTST-2023-TAPTHE", "teacher": "THPTST-2023-GV"},
        "report_template": "short",
    },
    {
        "code": "MAU-NHAN-RONG-GIAI-DOAN",
        "name": "Mẫu: Kế hoạch xây dựng và nhân rộng điển hình tiên tiến theo giai đoạn (cấp tỉnh)",
        "description": "Theo mô hình Kế hoạch của Sở GDĐT Gia Lai giai đoạn 2021-2025: đăng ký thi "
                       "đua đầu năm học, hai giai đoạn, Sở lựa chọn ít nhất 10 tập thể và 10 cá "
                       "nhân điển hình.",
        "categories": ["collective", "teacher"],
        "titles": ["DHTT", "TTLDXS", "CSTDCS"],
        "criteria": {"collective": "GL-2021-TAPTHE", "teacher": "GL-2021-CANHAN"},
        "report_template": "official",
        "requires_council_vote": True,
    },
]


def load(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    CampaignCriteriaSet = apps.get_model("campaigns", "CampaignCriteriaSet")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Title = apps.get_model("criteria", "Title")
    for row in TEMPLATES:
        row = dict(row)
        titles, criteria = row.pop("titles"), row.pop("criteria")
        campaign, _created = Campaign.objects.update_or_create(
            code=row.pop("code"),
            defaults={**row, "is_template": True, "owner_unit": None,
                      "period_start": datetime.date(2025, 9, 5),
                      "period_end": datetime.date(2026, 8, 31)},
        )
        campaign.titles.set(Title.objects.filter(code__in=titles))
        for category, code in criteria.items():
            CampaignCriteriaSet.objects.update_or_create(
                campaign=campaign, category=category,
                defaults={"criteria_set": CriteriaSet.objects.get(code=code, version=0)})


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial"), ("criteria", "0002_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
