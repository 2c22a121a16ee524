"""Demo campaigns that reproduce the seed plans, created through the same services an admin uses:

- the Sơn Trà school's yearly plan 2023–2025 (report to the Sở by 30/11), now closed;
- the quarterly selection of the Quận 1 plan, run by a commune in 2026 (one exemplar per school
  per quarter, deadline day 3 of the next quarter, the commune forwards one), open now;
- the Gia Lai "Dạy tốt - học tốt" plan 2021–2025 (registration 04/10–31/10/2021, the Sở targets
  at least 10 collectives and 10 individuals, collectives need TTLĐXS twice in 2021–2025), closed.
"""

from datetime import date

from campaigns import services
from campaigns.models import Campaign, CampaignRule, Phase
from criteria.enums import NomineeKind, RuleType, Severity
from criteria.models import EligibilityRule, RuleVersion, Title
from units.models import Person, Unit


def _sontra(actor):
    campaign = services.campaign_create(
        actor=actor,
        owner_unit=Unit.objects.get(code="DN-THPT001"),
        template=Campaign.objects.get(code="MAU-TUYEN-TRUYEN-NAM"),
        code="THPTST-DHTT-2023-2025",
        name="Tuyên truyền gương điển hình tiên tiến giai đoạn 2023 - 2025 của Trường THPT Sơn Trà",
        legal_basis="Kế hoạch số 384/KH-THPTST ngày 18/12/2023",
        period_start=date(2023, 12, 18),
        period_end=date(2025, 12, 31),
    )
    for year in (2024, 2025):
        services.round_save(
            actor=actor,
            campaign=campaign,
            name=f"Năm {year}",
            kind="yearly",
            opens_on=date(year, 1, 1),
            year=year,
            deadlines={"school": date(year, 11, 30)},
        )
    services.campaign_open(actor=actor, campaign=campaign)
    return services.campaign_close(actor=actor, campaign=campaign)


def _quarterly(actor):
    campaign = services.campaign_create(
        actor=actor,
        owner_unit=Unit.objects.get(code="DN-X001"),
        template=Campaign.objects.get(code="MAU-DIEN-HINH-THEO-QUY"),
        code="X001-DHTT-QUY-2026",
        name="Lựa chọn điển hình tiên tiến hằng quý năm 2026",
        legal_basis="Theo mô hình kế hoạch của Phòng GDĐT Quận 1",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 3, 31),
    )
    rounds = services.rounds_generate_quarterly(
        actor=actor, campaign=campaign, year=2026, deadline_day=3, gap_days=7
    )
    services.quota_save(
        actor=actor, rounds=rounds, level="school", category="", max_forward=1, min_target=None
    )
    services.quota_save(
        actor=actor, rounds=rounds, level="commune", category="", max_forward=1, min_target=None
    )
    return services.campaign_open(actor=actor, campaign=campaign)


def _gialai(actor):
    campaign = services.campaign_create(
        actor=actor,
        owner_unit=Unit.objects.get(code="SGD-GL"),
        template=Campaign.objects.get(code="MAU-NHAN-RONG-GIAI-DOAN"),
        code="GL-DTHT-2021-2025",
        name="Xây dựng và nhân rộng điển hình tiên tiến trong phong trào thi đua “Dạy tốt - học "
        "tốt” giai đoạn 2021-2025",
        legal_basis="Kế hoạch của Sở GDĐT Gia Lai, tháng 10/2021",
        period_start=date(2021, 10, 1),
        period_end=date(2025, 12, 31),
        registration_opens=date(2021, 10, 4),
        registration_closes=date(2021, 10, 31),
    )
    Phase.objects.bulk_create(
        [
            Phase(
                campaign=campaign,
                name="Giai đoạn 2021-2023",
                starts_on=date(2021, 10, 1),
                ends_on=date(2023, 6, 30),
            ),
            Phase(
                campaign=campaign,
                name="Giai đoạn 2023-2025",
                starts_on=date(2023, 7, 1),
                ends_on=date(2025, 12, 31),
            ),
        ]
    )
    rule, _created = EligibilityRule.objects.get_or_create(
        code="GL_TTLDXS_2_NAM",
        defaults={
            "name": "Tập thể đạt ít nhất 02 năm TTLĐXS trong giai đoạn 2021-2025",
            "rule_type": RuleType.TITLE_COUNT,
            "applies_to": NomineeKind.COLLECTIVE,
        },
    )
    RuleVersion.objects.get_or_create(
        rule=rule,
        effective_from=date(2021, 10, 1),
        defaults={
            "params": {"title": "TTLDXS", "min_count": 2, "from_year": 2021, "to_year": 2025},
            "legal_source": "Kế hoạch của Sở GDĐT Gia Lai giai đoạn 2021-2025",
        },
    )
    CampaignRule.objects.create(campaign=campaign, rule=rule, severity=Severity.BLOCK)
    for year in range(2022, 2026):
        round_ = services.round_save(
            actor=actor,
            campaign=campaign,
            name=f"Năm học {year - 1}-{year}",
            kind="yearly",
            opens_on=max(date(year - 1, 10, 1), campaign.period_start),
            year=year,
            deadlines={
                "school": date(year, 5, 15),
                "district": date(year, 5, 31),
                "province": date(year, 6, 30),
            },
        )
        # Seed 002: "xét chọn ít nhất 10 tập thể và 10 cá nhân" (any individual category).
        for category in ("collective", "individual"):
            services.quota_save(
                actor=actor,
                rounds=[round_],
                level="province",
                category=category,
                max_forward=None,
                min_target=10,
            )
    campaign = services.campaign_open(actor=actor, campaign=campaign)
    school = Unit.objects.get(code="GL-THPT001")
    services.registration_create(
        actor=actor,
        campaign=campaign,
        title=Title.objects.get(code="TTLDXS"),
        nominee_unit=school,
        today=date(2021, 10, 10),
    )
    teacher = Person.objects.filter(unit__path__startswith=school.path, position="GV").first()
    services.registration_create(
        actor=actor,
        campaign=campaign,
        title=Title.objects.get(code="CSTDCS"),
        person=teacher,
        today=date(2021, 10, 10),
    )
    return services.campaign_close(actor=actor, campaign=campaign)


def _danang(actor):
    """A Sở-owned campaign across the 2025 restructuring: in 2024–2025 a primary school's chain
    is school → district office → Sở; from 2025–2026 on it is school → commune → Sở, and an
    upper-secondary school goes straight to the Sở. Council vote required."""
    campaign = services.campaign_create(
        actor=actor,
        owner_unit=Unit.objects.get(code="SGD-DN"),
        template=Campaign.objects.get(code="MAU-TUYEN-TRUYEN-NAM"),
        code="SGD-DN-DHTT-2024-2027",
        name="Phát hiện, biểu dương điển hình tiên tiến ngành Giáo dục Đà Nẵng 2024 - 2027",
        legal_basis="Theo Kế hoạch 3776/KH-SGDĐT ngày 11/12/2023 của Sở GDĐT Đà Nẵng",
        categories=["collective", "teacher"],
        # the decree's individual and collective forms (the commune's quarterly campaign keeps
        # the seeds' short form), so the demo shows both
        report_template="official",
        requires_council_vote=True,
        council_threshold_percent=50,
        period_start=date(2024, 9, 1),
        period_end=date(2027, 8, 31),
    )
    services.round_save(
        actor=actor,
        campaign=campaign,
        name="Năm học 2024-2025",
        kind="yearly",
        opens_on=date(2024, 9, 5),
        year=2025,
        deadlines={
            "school": date(2025, 5, 15),
            "district": date(2025, 5, 25),
            "province": date(2025, 6, 20),
        },
    )
    services.round_save(
        actor=actor,
        campaign=campaign,
        name="Năm học 2026-2027",
        kind="yearly",
        opens_on=date(2026, 9, 5),
        year=2027,
        deadlines={
            "school": date(2027, 5, 15),
            "commune": date(2027, 5, 25),
            "province": date(2027, 6, 20),
        },
    )
    return services.campaign_open(actor=actor, campaign=campaign)


CAMPAIGNS = {
    "THPTST-DHTT-2023-2025": _sontra,
    "X001-DHTT-QUY-2026": _quarterly,
    "GL-DTHT-2021-2025": _gialai,
    "SGD-DN-DHTT-2024-2027": _danang,
}


def seed(*, nodes, pks, actor, write):
    if actor is None:
        write("Phong trào mẫu: bỏ qua vì không tạo tài khoản (--no-accounts).")
        return
    created = [
        make(actor).code
        for code, make in CAMPAIGNS.items()
        if not Campaign.objects.filter(code=code).exists()
    ]
    write(f"Phong trào mẫu: thêm {len(created)}")
