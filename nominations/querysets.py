"""The words of round progress as conditions on chain steps, so that every count of "sent",
"counting against the quota" and "waiting" (the queue headline, the dashboards, the reminder
sweep, the yearly report, the transition's quota guard) reads the same definition. A chain step
stands for its unit on one dossier's path; the conditions say how far that dossier is with
respect to that unit."""

from django.db import models
from django.db.models import F, Q

from .enums import QUOTA_STATES, State

# The unit has sent the dossier upward at least once (its step lies below the furthest point
# the dossier reached) and the dossier was not withdrawn. A rejection higher up does not undo it.
SENT = Q(position__lt=F("nomination__max_position")) & ~Q(nomination__state=State.WITHDRAWN)
# The dossier has left the unit and still counts against its quota: under review above it,
# approved or recognised.
COUNTING = Q(nomination__state__in=QUOTA_STATES, nomination__position__gt=F("position"))
# The dossier is under review at the unit itself.
WAITING = Q(nomination__state=State.UNDER_REVIEW, nomination__current_unit=F("unit"))
# The unit decided the dossier and chose it: approved or recognised at the unit's own step
# (for the deciding unit, what it "selected" against its target).
SELECTED = Q(
    nomination__state__in=(State.APPROVED, State.RECOGNISED),
    nomination__position=F("position"),
)


class ChainStepQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(SENT)

    def counting(self):
        return self.filter(COUNTING)

    def waiting(self):
        return self.filter(WAITING)
