"""Legal texts with their certainty, rule versions tied to them (the 2025 and 2026 texts of
DOMAIN.md, unverified ones marked), the authority matrix as dated data (replacing the titles'
`granting_levels`), and the corrected catalogue rules. Idempotent, keyed by codes and dates."""

import datetime
import json
from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def load(apps, schema_editor):
    Title = apps.get_model("criteria", "Title")
    LegalText = apps.get_model("criteria", "LegalText")
    EligibilityRule = apps.get_model("criteria", "EligibilityRule")
    RuleVersion = apps.get_model("criteria", "RuleVersion")
    GrantingAuthority = apps.get_model("criteria", "GrantingAuthority")
    data = json.loads((FIXTURES / "rules.json").read_text(encoding="utf-8"))

    texts = {}
    for row in data["sources"]:
        texts[row["code"]], _created = LegalText.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "issuer": row["issuer"], "grade": row["grade"],
                      "effective_from": _date(row["effective_from"]),
                      "effective_to": _date(row["effective_to"]), "note": row["note"]},
        )
    for row in data["sources"]:
        if row["replaces"]:
            LegalText.objects.filter(code=row["code"]).update(replaces=texts[row["replaces"]])

    for row in data["rules"]:
        title = Title.objects.get(code=row["title"]) if row["title"] else None
        rule, _created = EligibilityRule.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "rule_type": row["rule_type"], "title": title,
                      "applies_to": row.get("applies_to", "both"), "severity": row["severity"],
                      "description": row.get("description", "")},
        )
        for version in data["versions"]:
            saved, _created = RuleVersion.objects.update_or_create(
                rule=rule, effective_from=_date(version["effective_from"]),
                defaults={"effective_to": _date(version["effective_to"]),
                          "legal_source": version["legal_source"], "params": row["params"],
                          "applies_if_more_favourable": version["applies_if_more_favourable"]},
            )
            saved.sources.set([texts[code] for code in version["sources"]])

    # Titles an administrator added keep the levels they had, from the law's start.
    law = texts["06/2022/QH15"]
    matrix = json.loads((FIXTURES / "authorities.json").read_text(encoding="utf-8"))
    catalogue = {row["title"] for row in matrix}
    for title in Title.objects.exclude(code__in=catalogue):
        for level in title.granting_levels or []:
            GrantingAuthority.objects.get_or_create(
                title=title, level=level, effective_from=datetime.date(2024, 1, 1),
                defaults={"source": law, "legal_source": title.legal_source[:255], "grade": "U"},
            )
    for row in matrix:
        title = Title.objects.filter(code=row["title"]).first()
        if title is None:
            continue
        GrantingAuthority.objects.update_or_create(
            title=title, level=row["level"], effective_from=_date(row["effective_from"]),
            defaults={"effective_to": _date(row["effective_to"]), "source": texts[row["source"]],
                      "legal_source": row["legal_source"], "grade": row["grade"],
                      "note": row["note"]},
        )



class Migration(migrations.Migration):

    dependencies = [
        ('criteria', '0003_achievementrecord_is_revoked_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ruleversion',
            name='applies_if_more_favourable',
            field=models.BooleanField(default=False, help_text='Quy định chuyển tiếp: hồ sơ được tiếp nhận trước ngày hiệu lực vẫn theo phiên bản cũ, trừ khi phiên bản này có lợi hơn cho người được đề nghị.', verbose_name='áp dụng cho hồ sơ tiếp nhận trước nếu có lợi hơn'),
        ),
        migrations.AlterField(
            model_name='eligibilityrule',
            name='rule_type',
            field=models.CharField(choices=[('consecutive_title', 'Đạt danh hiệu nhiều năm liên tục'), ('title_in_year', 'Đạt danh hiệu trong năm'), ('title_count', 'Số năm đạt danh hiệu trong giai đoạn'), ('min_rating', 'Xếp loại tối thiểu'), ('member_share', 'Tỷ lệ thành viên đạt danh hiệu hoặc xếp loại'), ('member_count', 'Số thành viên đạt danh hiệu'), ('no_discipline', 'Không bị kỷ luật từ mức quy định trở lên'), ('initiative_count', 'Số sáng kiến, đề tài được công nhận'), ('consecutive_awards', 'Đạt danh hiệu ở các kỳ xét liên tiếp'), ('not_under_review', 'Không đang bị xem xét kỷ luật, thanh tra'), ('any_of', 'Đạt một trong các điều kiện'), ('all_of', 'Đạt tất cả các điều kiện')], max_length=32, verbose_name='loại điều kiện'),
        ),
        migrations.CreateModel(
            name='LegalText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=64, unique=True, verbose_name='số hiệu')),
                ('name', models.CharField(max_length=255, verbose_name='tên văn bản')),
                ('issuer', models.CharField(blank=True, max_length=255, verbose_name='cơ quan ban hành')),
                ('effective_from', models.DateField(blank=True, null=True, verbose_name='hiệu lực từ ngày')),
                ('effective_to', models.DateField(blank=True, null=True, verbose_name='hết hiệu lực từ ngày')),
                ('grade', models.CharField(choices=[('V', 'Đã đối chiếu văn bản gốc'), ('S', 'Nhiều nguồn thứ cấp thống nhất'), ('U', 'Chưa xác minh (một nguồn)')], default='U', max_length=1, verbose_name='mức tin cậy')),
                ('url', models.URLField(blank=True, verbose_name='đường dẫn văn bản')),
                ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='xác nhận lúc')),
                ('replaces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replaced_by', to='criteria.legaltext', verbose_name='thay thế văn bản')),
                ('verified_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xác nhận')),
            ],
            options={
                'verbose_name': 'văn bản pháp lý',
                'verbose_name_plural': 'văn bản pháp lý',
                'ordering': ['-effective_from', 'code'],
            },
        ),
        migrations.AddField(
            model_name='ruleversion',
            name='sources',
            field=models.ManyToManyField(blank=True, related_name='rule_versions', to='criteria.legaltext', verbose_name='văn bản căn cứ'),
        ),
        migrations.CreateModel(
            name='GrantingAuthority',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('ministry', 'Bộ'), ('province', 'Sở'), ('district', 'Phòng GDĐT (cấp huyện)'), ('commune', 'UBND cấp xã'), ('school', 'Trường, cơ sở giáo dục'), ('subunit', 'Tổ, khoa, phòng ban')], max_length=16, verbose_name='cấp có thẩm quyền tặng')),
                ('legal_source', models.CharField(blank=True, max_length=255, verbose_name='căn cứ pháp lý')),
                ('grade', models.CharField(choices=[('V', 'Đã đối chiếu văn bản gốc'), ('S', 'Nhiều nguồn thứ cấp thống nhất'), ('U', 'Chưa xác minh (một nguồn)')], default='U', max_length=1, verbose_name='mức tin cậy')),
                ('effective_from', models.DateField(verbose_name='hiệu lực từ ngày')),
                ('effective_to', models.DateField(blank=True, null=True, verbose_name='hiệu lực đến ngày')),
                ('note', models.CharField(blank=True, max_length=255, verbose_name='ghi chú')),
                ('title', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorities', to='criteria.title', verbose_name='danh hiệu, hình thức')),
                ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='authorities', to='criteria.legaltext', verbose_name='văn bản căn cứ')),
            ],
            options={
                'verbose_name': 'thẩm quyền khen thưởng',
                'verbose_name_plural': 'thẩm quyền khen thưởng',
                'ordering': ['title', 'level', 'effective_from'],
                'constraints': [models.UniqueConstraint(fields=('title', 'level', 'effective_from'), name='authority_title_level_from'), models.CheckConstraint(condition=models.Q(('effective_to__isnull', True), ('effective_to__gte', models.F('effective_from')), _connector='OR'), name='authority_range')],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='title',
            name='granting_levels',
        ),
]
