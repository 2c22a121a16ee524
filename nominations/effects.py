"""What follows a transition besides the dossier's own row: the registry entry of a recognition
or revocation (written by the registry's own services), the eligibility the guards found, the
day the deciding unit received the dossier, the notices. The public honour board's cache
listens for recognitions itself (reporting).

The transition table (workflow.py) names these per row and `services.transition.transition` runs
them inside its transaction, after the dossier and its timeline entry are saved; nothing else
calls them.
"""

from criteria import services as criteria_services

from . import notices, selectors
from .models import Nomination


def record_recognition(nomination: Nomination, attempt) -> None:
    criteria_services.title_record_from_decision(
        source_ref=f"nomination:{nomination.pk}",
        subject=(
            {"person": nomination.nominee_person}
            if nomination.nominee_person_id
            else {"unit": nomination.nominee_unit}
        ),
        year=nomination.round.year,
        title=nomination.title,
        decision=attempt.decision,
        description=nomination.campaign.name,
    )


def revoke_records(nomination: Nomination, attempt) -> None:
    criteria_services.title_records_revoke(source_ref=f"nomination:{nomination.pk}")


def record_acceptance(nomination: Nomination, attempt) -> None:
    """The day the competent body received the dossier: the day it reached its deciding unit
    (sent, forwarded or resubmitted there). It picks the version of the law the eligibility is
    judged by (DOMAIN.md: the 2026 amendment's transition rule)."""
    if nomination.position != attempt.last:
        return
    nomination.accepted_on = attempt.today
    Nomination.objects.filter(pk=nomination.pk).update(accepted_on=attempt.today)


def store_eligibility(nomination: Nomination, attempt) -> None:
    """The summary the `eligible` guard computed, kept for the lists' filter."""
    summary = selectors.eligibility_summary(attempt.eligibility)
    if nomination.eligibility != summary:
        nomination.eligibility = summary
        Nomination.objects.filter(pk=nomination.pk).update(eligibility=summary)


def send_notices(nomination: Nomination, attempt) -> None:
    notices.transition_notices(
        nomination, attempt.action, actor=attempt.actor, reason=attempt.reason
    )
