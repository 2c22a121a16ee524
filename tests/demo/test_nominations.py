"""The demo dossiers: consistent with the workflow's own invariants, and seeded once."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from criteria.models import AchievementRecord
from demo.nominations import KEPT_EMPTY
from nominations.enums import State
from nominations.models import Consultation, Nomination

pytestmark = pytest.mark.django_db


def test_demo_dossiers_are_consistent_and_seeded_once():
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    output = io.StringIO()
    call_command("seed_demo", "--scale", "demo", stdout=output)
    assert "Hồ sơ mẫu: thêm 0" in output.getvalue()

    nominations = Nomination.objects.annotate(steps_count=Count("steps"))
    assert nominations.count() > 20
    assert set(nominations.values_list("state", flat=True)) >= {
        State.DRAFT,
        State.UNDER_REVIEW,
        State.RETURNED,
        State.REJECTED,
        State.RECOGNISED,
    }
    assert not nominations.filter(nominating_unit__code__in=KEPT_EMPTY).exists()
    for n in nominations.select_related("current_unit"):
        assert n.steps.get(position=n.position).unit_id == n.current_unit_id
        assert n.steps.order_by("-position").first().unit_id == n.deciding_unit_id
        assert n.position <= n.max_position < n.steps_count
        assert n.search_text
    recognised = nominations.filter(state=State.RECOGNISED)
    assert not recognised.filter(decision__isnull=True).exists()
    assert not recognised.exclude(position=F("steps_count") - 1).exists()
    assert AchievementRecord.objects.filter(source_ref__startswith="nomination:").count() == (
        recognised.count()
    )
    consultation = Consultation.objects.get()
    assert set(consultation.nominations.all()) == set(
        Nomination.objects.filter(
            round=consultation.round, state=State.UNDER_REVIEW, current_unit=consultation.unit
        )
    )
