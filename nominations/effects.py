"""What follows a transition besides the dossier's own row: the registry entry of a recognition
or revocation, the eligibility the guards found, the notices, the honour board's cache.

The transition table (workflow.py) names these per row and `services.transition.transition` runs
them inside its transaction, after the dossier and its timeline entry are saved; nothing else
calls them.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from criteria.enums import RecordKind, RecordSource
from criteria.models import AchievementRecord

from . import notices, selectors
from .models import Nomination


def record_recognition(nomination: Nomination, attempt) -> None:
    decision = attempt.decision
    subject = (
        {"person": nomination.nominee_person}
        if nomination.nominee_person_id
        else {"unit": nomination.nominee_unit}
    )
    AchievementRecord.objects.create(
        **subject,
        year=nomination.round.year,
        kind=RecordKind.TITLE,
        title=nomination.title,
        decision_number=decision.number,
        decision_date=decision.signed_on,
        issuer=decision.issuer,
        source=RecordSource.PORTAL,
        source_ref=f"nomination:{nomination.pk}",
        description=nomination.campaign.name[:500],
    )


def revoke_records(nomination: Nomination, attempt) -> None:
    AchievementRecord.objects.filter(source_ref=f"nomination:{nomination.pk}").update(
        is_revoked=True
    )


def store_eligibility(nomination: Nomination, attempt) -> None:
    """The summary the `eligible` guard computed, kept for the lists' filter."""
    summary = selectors.eligibility_summary(attempt.eligibility)
    if nomination.eligibility != summary:
        nomination.eligibility = summary
        Nomination.objects.filter(pk=nomination.pk).update(eligibility=summary)


def honour_board_changed(nomination: Nomination, attempt) -> None:
    transaction.on_commit(_new_honour_board_version)


def _new_honour_board_version() -> None:
    cache.set(selectors.HONOUR_BOARD_VERSION, uuid.uuid4().hex, timeout=None)


def send_notices(nomination: Nomination, attempt) -> None:
    notices.transition_notices(
        nomination, attempt.action, actor=attempt.actor, reason=attempt.reason
    )
