"""Each app writes only its own tables (issue 14, section 4).

Another app's rows are changed through that app's services: the registry through
`criteria.services`, a dossier's timeline through `nominations.services`. The scan reads the
code of every app (not tests, migrations, demo data or benchmarks, which set up worlds) for a
write through the manager of a model that belongs to another app.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
WRITES = r"(?:create|bulk_create|get_or_create|update_or_create|update|delete|bulk_update)"
SKIPPED_PARTS = {"migrations", "management", "tests", "demo"}


def app_sources():
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or path.parent != ROOT:
            continue  # third-party apps
        for source in path.rglob("*.py"):
            parts = set(source.relative_to(ROOT).parts)
            if parts & SKIPPED_PARTS or source.name == "demo.py":
                continue
            yield config.label, source


def foreign_writes(label: str, text: str) -> list[str]:
    found = []
    for model in apps.get_models():
        owner = model._meta.app_label
        if owner == label or model.__module__.split(".")[0] not in {
            c.name for c in apps.get_app_configs() if Path(c.path).parent == ROOT
        }:
            continue
        name = model.__name__
        manager = rf"\b{name}\.objects\.(?:[a-z_]+\([^()]*(?:\([^()]*\)[^()]*)*\)\.)*{WRITES}\("
        found += [f"{owner}.{name}: {m.group(0)[:60]}" for m in re.finditer(manager, text)]
    return found


def test_the_scan_finds_a_foreign_write():
    assert foreign_writes("reporting", "NominationEvent.objects.bulk_create([])")
    assert foreign_writes(
        "nominations", 'AchievementRecord.objects.filter(source_ref="x").update(is_revoked=True)'
    )
    assert not foreign_writes("criteria", "AchievementRecord.objects.create(year=2026)")
    assert not foreign_writes("reporting", "Nomination.objects.filter(pk=1).count()")


@pytest.mark.parametrize(("label", "source"), list(app_sources()), ids=lambda v: str(v))
def test_no_app_writes_another_apps_tables(label, source):
    writes = foreign_writes(label, source.read_text())
    assert not writes, f"{source.relative_to(ROOT)} writes another app's rows: {writes}"
