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


ROLE_OF_ACTOR = {
    "is_nominating_approver": "approver",
    "is_current_approver": "approver",
    "is_deciding_secretary": "council_secretary",
}


def test_demo_dossiers_move_through_the_workflow_service():
    """Every step on a demo dossier's timeline is one `transition` wrote: an actor holding the
    role the table asks for, states that follow on from each other, one version per step, and
    the notices it sends; the account that acts where no demo account can never logs in."""
    from nominations.workflow import BY_ACTION
    from notifications.models import Message
    from units.models import User
    from units.selectors import has_role_at, live_memberships

    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    actions = {str(a) for a in BY_ACTION}
    walked = Nomination.objects.exclude(state=State.DRAFT).prefetch_related("events__actor")
    assert walked.count() > 20
    for nomination in walked:
        steps = [e for e in nomination.events.order_by("pk") if e.kind in actions]
        assert steps, nomination
        assert len(steps) == nomination.version - 1
        state = State.DRAFT
        for event in steps:
            assert event.from_state == state, (nomination, event.kind)
            state = event.to_state
            assert event.actor is not None
            # Every demo step is taken by the unit that holds the dossier at the time, with the
            # role the table's actor predicate asks for there.
            role = ROLE_OF_ACTOR[BY_ACTION[event.kind].actor.name]
            # (The workflow account is retired after the walk: its roles are looked at as held.)
            actor = User(pk=event.actor.pk, is_active=True)
            assert has_role_at(actor, event.from_unit, role), (nomination, event.kind)
        assert state == nomination.state
    assert Message.objects.filter(recipient__username="so.lanhdao").exists()
    workflow = User.objects.get(username="demo.quytrinh")
    assert not workflow.has_usable_password()
    # Retired after the walk: no reminder or notice of the units it stood in for picks it.
    assert not workflow.is_active
    assert not live_memberships().filter(user=workflow).exists()
