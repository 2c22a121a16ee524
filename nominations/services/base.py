"""What every nominations service shares: the domain error of a transition, the timeline entry,
the size checks of stored text."""

from django.core.exceptions import ValidationError

from core.validators import text_problems

from ..models import NominationEvent


class TransitionError(ValidationError):
    """A transition that may not happen now; its messages say why and what to do."""


def event(nomination, *, actor, kind, **fields):
    """Append to the dossier's timeline (append-only)."""
    return NominationEvent.objects.create(nomination=nomination, actor=actor, kind=kind, **fields)


def require_sizes(*checks) -> None:
    """(value, label, max characters) for each text a service stores."""
    problems = [
        p
        for value, label, limit in checks
        for p in text_problems(value, label=label, max_chars=limit)
    ]
    if problems:
        raise ValidationError(problems)
