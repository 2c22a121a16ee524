"""Reads of nominations. Every view starts here: what a user may not see is a 404.

The rule (README, "Ai xem được hồ sơ nào"): a user holding a role at unit U sees a dossier when
U drew it up (U is the nominating unit), or when U lies on the dossier's chain and the dossier
has reached U (the commune once it arrived there, and ever after). Nothing else: a membership
at U says nothing about what U's parent, a sibling or a unit above nominated, and a unit above
that has not been reached does not see a draft, however far its subtree reaches. A dossier that
a commune draws up for a teacher of one of its schools is the commune's until it goes up; the
school does not see it (a subject team does not see its school's dossiers either).
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.selectors import campaigns_visible_to
from criteria.eligibility import evaluate_rules
from criteria.enums import NomineeKind, RecordKind, RuleStatus
from criteria.selectors import history_of_person, history_of_unit, rules_with_versions
from units.selectors import is_unrestricted, membership_paths

from .enums import Eligibility, State
from .models import ChainStep, Consultation, ConsultationComment, CouncilVote, Nomination

_RECENT = datetime.timedelta(days=90)

LIST_RELATED = (
    "campaign",
    "round",
    "title",
    "nominee_person",
    "nominee_unit",
    "nominating_unit",
    "current_unit",
    "deciding_unit",
)


def nominations_visible_to(user, *, pk: int | None = None) -> QuerySet[Nomination]:
    """`pk`: the one dossier a page is about, if the user may see it. Given here rather than
    filtered afterwards so that the chain steps are read for that dossier only: PostgreSQL does
    not push an outer `pk = …` into the subquery, and a Sở's approver paid 15 ms per dossier page
    to list every step of the Sở first."""
    nominations = Nomination.objects.select_related(*LIST_RELATED)
    if pk is not None:
        nominations = nominations.filter(pk=pk)
    if is_unrestricted(user):
        return nominations
    own = membership_paths(user)
    if not own:
        return nominations.none()
    # A member of a unit on the chain sees the dossier once it has reached that unit... (an
    # uncorrelated subquery: both engines run it once, where a correlated EXISTS made SQLite
    # walk every chain step of the unit for each dossier)
    reached = ChainStep.objects.filter(
        unit__path__in=own, position__lte=F("nomination__max_position")
    ).values("nomination_id")
    if pk is not None:
        reached = reached.filter(nomination_id=pk)
    # ...and the nominating unit's own people always see it: only U itself, never an ancestor
    # of U (that leaked a commune's dossiers to every school of the commune).
    return nominations.filter(Q(pk__in=reached) | Q(nominating_unit__path__in=own))


def with_duplicate_counts(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """Annotate how many other live dossiers of the same round name the same nominee."""
    others = (
        Nomination.objects.filter(round=OuterRef("round"), nominee_key=OuterRef("nominee_key"))
        .exclude(pk=OuterRef("pk"))
        .exclude(state=State.WITHDRAWN)
    )
    return nominations.annotate(has_duplicates=Exists(others))


def _without(relations: tuple[str, ...], *dropped: str) -> tuple[str, ...]:
    return tuple(r for r in relations if r not in dropped)


# What a row of a list page prints (nominee, title, round, campaign, units): no deciding unit.
ROW_RELATED = _without(LIST_RELATED, "deciding_unit")
# The queue's rows show neither the campaign nor the unit holding the dossier (it is the queue's).
QUEUE_ROW_RELATED = _without(ROW_RELATED, "campaign", "current_unit")


def rows_in_order(ids, *, related=ROW_RELATED) -> list[Nomination]:
    """The rows of a list page whose ids (in order) were chosen by a query that joins only what
    it filters and sorts on. One query that filtered, sorted and joined every relation at once
    cost PostgreSQL ~15 ms of planning and joined all the visible dossiers before keeping 50
    (a Sở's list took three times as long). Each relation joined costs planning time too: join
    only what the rows print."""
    ids = list(ids)
    rows = with_duplicate_counts(Nomination.objects.select_related(*related).filter(pk__in=ids))
    by_pk = {n.pk: n for n in rows}
    return [by_pk[pk] for pk in ids]


def campaigns_open_to(user, unit):
    """The campaigns `unit` may nominate into: open, visible to the user, run by a unit above
    it (a unit does not nominate into its own campaign)."""
    return [
        campaign
        for campaign in campaigns_visible_to(user).filter(status=CampaignStatus.OPEN)
        if unit.path.startswith(campaign.owner_unit.path) and campaign.owner_unit != unit
    ]


# --- one dossier --------------------------------------------------------------------------------
def chain_steps(nomination: Nomination) -> list[ChainStep]:
    return list(nomination.steps.select_related("unit").order_by("position"))


def received_titles(nomination: Nomination):
    """Section III: the titles and awards the nominee received, from the registry."""
    history = (
        history_of_person(nomination.nominee_person)
        if nomination.nominee_person_id
        else history_of_unit(nomination.nominee_unit)
    )
    return history.filter(kind=RecordKind.TITLE, is_revoked=False)


def eligibility(nomination: Nomination, *, on_date=None):
    """The title's rules and the campaign's for this nominee. The version of the law is the one
    in force on the day the deciding unit received the dossier (`accepted_on`), or on `on_date`
    (default today) while it has not arrived there; a later version that applies when more
    favourable is evaluated too (criteria.eligibility)."""
    kind = NomineeKind.COLLECTIVE if nomination.is_collective else NomineeKind.INDIVIDUAL
    campaign_links = list(
        nomination.campaign.rule_links.filter(rule__applies_to__in=[kind, NomineeKind.BOTH])
    )
    rules = list(
        rules_with_versions(nomination.title.rules.filter(applies_to__in=[kind, NomineeKind.BOTH]))
    )
    linked = [link.rule_id for link in campaign_links if link.rule_id not in {r.pk for r in rules}]
    rules += list(rules_with_versions().filter(pk__in=linked))
    today = on_date or timezone.localdate()
    return evaluate_rules(
        rules=rules,
        subject=nomination.nominee,
        year=nomination.round.year,
        on_date=nomination.accepted_on or today,
        today=today,
        severities={link.rule_id: link.severity for link in campaign_links},
    )


def eligibility_summary(results) -> str:
    """The worst result: a blocking failure, then not enough data, then a warning."""
    if any(r.blocks and r.status == RuleStatus.FAIL for r in results):
        return Eligibility.FAIL
    if any(r.status == RuleStatus.UNKNOWN for r in results):
        return Eligibility.UNKNOWN
    if any(r.status != RuleStatus.PASS for r in results):
        return Eligibility.WARN
    return Eligibility.PASS


def duplicates_of(nomination: Nomination):
    """Other live dossiers for the same nominee in the same round."""
    return (
        Nomination.objects.filter(round=nomination.round, nominee_key=nomination.nominee_key)
        .exclude(pk=nomination.pk)
        .exclude(state=State.WITHDRAWN)
        .select_related("nominating_unit")
    )


def council_result(nomination: Nomination) -> CouncilVote | None:
    """The deciding unit's latest vote on the dossier."""
    return (
        CouncilVote.objects.filter(nomination=nomination, session__unit=nomination.deciding_unit)
        .select_related("session")
        .order_by("-session__held_on", "-pk")
        .first()
    )


def decision_register(unit):
    """The unit's award and revocation decisions, newest first, with how many dossiers each."""
    from .models import Decision

    return (
        Decision.objects.filter(unit=unit)
        .annotate(
            awarded=Count("recognised", distinct=True),
            revoked_count=Count("revoked", distinct=True),
        )
        .order_by("-signed_on", "-pk")
    )


def timeline(nomination: Nomination):
    return nomination.events.select_related("actor", "from_unit", "to_unit").order_by(
        "created_at", "pk"
    )


# --- public consultation ----------------------------------------------------------------------
def consultations_public(*, today):
    """Consultations the public can read: open ones first, then those ended in the last 90 days
    (the list stays public for a while after its period, as a record)."""
    return (
        Consultation.objects.filter(opens_on__lte=today, closes_on__gte=today - _RECENT)
        .select_related("unit", "round__campaign")
        .annotate(size=Count("nominations", distinct=True))
        .order_by("-closes_on", "-pk")
    )


def consultation_candidates(round_, unit):
    """The dossiers `unit` may put up for consultation: under review there, and it decides
    (in one round, or in any when `round_` is None)."""
    candidates = Nomination.objects.filter(
        current_unit=unit, deciding_unit=unit, state=State.UNDER_REVIEW
    )
    return candidates if round_ is None else candidates.filter(round=round_)


def consultation_entries(consultation):
    """The dossiers of a consultation with the public fields only (no CV, no evidence)."""
    return consultation.nominations.select_related(
        "title", "nominee_person", "nominee_unit", "nominating_unit"
    ).order_by("category", "nominating_unit__name", "pk")


def public_comments_for(user, nomination) -> QuerySet[ConsultationComment]:
    """Comments from the public, for the unit that decides (and system administrators)."""
    if is_unrestricted(user) or nomination.deciding_unit.path in membership_paths(user):
        return nomination.public_comments.select_related("consultation")
    return ConsultationComment.objects.none()


def consultations_of(unit) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(unit=unit)
        .select_related("round__campaign")
        .annotate(
            size=Count("nominations", distinct=True), comment_count=Count("comments", distinct=True)
        )
    )
