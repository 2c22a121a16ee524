"""Load the title catalogue, the default eligibility rules (DOMAIN.md, with their legal sources and
dates in force) and the criteria templates transcribed from the seed plans. Idempotent: codes are
keys, so re-running updates rather than duplicates. Everything stays editable in the admin."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def load(apps, schema_editor):
    Title = apps.get_model("criteria", "Title")
    EligibilityRule = apps.get_model("criteria", "EligibilityRule")
    RuleVersion = apps.get_model("criteria", "RuleVersion")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")

    for row in json.loads((FIXTURES / "titles.json").read_text(encoding="utf-8")):
        multiplier = row.pop("cash_multiplier")
        Title.objects.update_or_create(
            code=row.pop("code"),
            defaults={**row, "cash_multiplier": Decimal(multiplier) if multiplier else None},
        )

    data = json.loads((FIXTURES / "rules.json").read_text(encoding="utf-8"))
    for row in data["rules"]:
        title = Title.objects.get(code=row["title"]) if row["title"] else None
        rule, _created = EligibilityRule.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "rule_type": row["rule_type"], "title": title,
                      "applies_to": row.get("applies_to", "both"),
                      "severity": row["severity"]},
        )
        for version in data["versions"]:
            start = datetime.date.fromisoformat(version["effective_from"])
            end = version["effective_to"] and datetime.date.fromisoformat(version["effective_to"])
            RuleVersion.objects.update_or_create(
                rule=rule, effective_from=start,
                defaults={"effective_to": end or None, "legal_source": version["legal_source"],
                          "params": row["params"]},
            )

    for row in json.loads((FIXTURES / "criteria_templates.json").read_text(encoding="utf-8")):
        criteria_set, _created = CriteriaSet.objects.update_or_create(
            code=row["code"], version=0,
            defaults={"name": row["name"], "category": row["category"], "tier": row["tier"],
                      "source": row["source"], "owner_unit": None},
        )
        Criterion.objects.filter(criteria_set=criteria_set).delete()
        Criterion.objects.bulk_create([
            Criterion(criteria_set=criteria_set, order=order, text=c["text"], kind=c["kind"],
                      evidence_required=c["evidence_required"], max_score=c["max_score"],
                      weight=c["weight"],
                      threshold=None if c["threshold"] is None else Decimal(str(c["threshold"])),
                      threshold_unit=c["threshold_unit"])
            for order, c in enumerate(row["criteria"], 1)
        ])


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
