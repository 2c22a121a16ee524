"""Real concurrent connections on PostgreSQL (threads, each with its own connection)."""

import threading
import uuid

import pytest
from django.db import connections

from campaigns import services as campaign_services
from core.concurrency import StaleVersionError
from core.idempotency import once
from nominations import services
from nominations.enums import Action, State
from nominations.models import Nomination
from nominations.services import TransitionError
from tests.factories import PersonFactory, place
from units.enums import Role
from units.models import User

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(calls):
    """Start every call at the same instant; return ("ok", value) or ("error", exception)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_approvers_at_once_one_wins_and_nothing_is_half_done(
    postgres, placed, users, make_user, tree, clock
):
    second = make_user((tree.commune, Role.APPROVER), username="xa.duyet2")
    nomination = placed("under_review@commune")
    seen = nomination.version

    def forward():
        return services.transition(
            actor=User.objects.get(pk=users.commune.pk),
            nomination=Nomination(pk=nomination.pk),
            action=Action.FORWARD,
            expected_version=seen,
        )

    def give_back():
        return services.transition(
            actor=User.objects.get(pk=second.pk),
            nomination=Nomination(pk=nomination.pk),
            action=Action.RETURN,
            reason="Thiếu minh chứng",
            expected_version=seen,
        )

    results = run_together([forward, give_back])
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, TransitionError)
    assert "vừa được người khác xử lý" in " ".join(error.messages)
    nomination.refresh_from_db()
    transitions = nomination.events.filter(kind__in=["forward", "return"])
    assert transitions.count() == 1
    assert (
        nomination.state
        == {"forward": State.UNDER_REVIEW, "return": State.RETURNED}[transitions.get().kind]
    )
    assert nomination.version == seen + 1


def test_ten_forwards_against_a_quota_of_one_exactly_one_succeeds(
    postgres, new_nomination, users, tree, campaign, clock
):
    campaign_services.quota_save(
        actor=users.admin,
        rounds=[campaign.rounds.get()],
        level="commune",
        category="",
        max_forward=1,
        min_target=None,
    )
    nominations = []
    for _ in range(10):
        nomination = new_nomination(person=PersonFactory(unit=tree.school_a))
        place(nomination, "under_review@commune")
        nominations.append(nomination.pk)

    def forward(pk):
        return lambda: services.transition(
            actor=User.objects.get(pk=users.commune.pk),
            nomination=Nomination(pk=pk),
            action=Action.FORWARD,
        )

    results = run_together([forward(pk) for pk in nominations])
    assert [kind for kind, _ in results].count("ok") == 1, results
    errors = [value for kind, value in results if kind == "error"]
    assert all(
        isinstance(e, TransitionError) and "đã gửi đủ 1" in " ".join(e.messages) for e in errors
    ), errors
    assert Nomination.objects.filter(pk__in=nominations, current_unit=tree.danang).count() == 1


def test_two_tabs_saving_the_same_version_at_once_one_wins(postgres, new_nomination, users, clock):
    nomination = new_nomination(fill=False)
    seen = nomination.version

    def save(summary):
        return lambda: services.nomination_update(
            actor=User.objects.get(pk=users.nominator.pk),
            nomination=Nomination(pk=nomination.pk),
            summary=summary,
            works=[{"name": summary}],
            expected_version=seen,
        )

    results = run_together([save("Tab một"), save("Tab hai")])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, StaleVersionError)
    nomination.refresh_from_db()
    assert nomination.version == seen + 1
    assert list(nomination.works.values_list("name", flat=True)) == [
        nomination.achievement_summary.removeprefix("<p>").removesuffix("</p>")
    ]


def test_the_same_form_token_sent_twice_at_once_creates_one_dossier(
    postgres, campaign, users, tree, clock
):
    person = PersonFactory(unit=tree.school_a)
    token = uuid.uuid4()

    def create():
        actor = User.objects.get(pk=users.nominator.pk)
        return once(
            token=token,
            actor=actor,
            action=lambda: services.nomination_create(
                actor=actor,
                campaign=campaign,
                round_=campaign.rounds.get(),
                category="teacher",
                title=campaign.titles.get(),
                nominating_unit=tree.school_a,
                person=person,
            ),
        )

    results = run_together([create, create])
    assert [kind for kind, _ in results] == ["ok", "ok"], results
    (first, created_a), (second, created_b) = (value for _kind, value in results)
    assert first == second
    assert sorted([created_a, created_b]) == [False, True]
    assert Nomination.objects.filter(nominee_person=person).count() == 1
