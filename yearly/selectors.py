"""Reads of the yearly implementation report: who sees which call and report, what a report's
numbers are, and the asking unit's overview. Every page starts here: out of scope is a 404.

- A call is seen by the members of the asking unit and those above it (its scope), and by the
  members of the units it is addressed to (its direct sub-units).
- A report is seen by the members of its own unit (draft or sent) and, once it has been sent at
  least once, by everyone whose scope covers the unit (the parent and those above). A sibling
  never sees it.

The numbers are a handful of grouped queries whatever the size of the unit (DESIGN.md §6):
their count does not grow with the number of dossiers, exemplars or sub-units.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from criteria.enums import NomineeCategory, RecordKind, TitleKind
from criteria.models import AchievementRecord
from nominations.enums import State
from nominations.models import ChainStep, Nomination
from units.enums import Position, UnitLevel
from units.models import Unit
from units.selectors import is_unrestricted, membership_paths, scope_q

from .enums import (
    EDITABLE_STATUSES,
    ISSUER_ROLES,
    SECTION_FIELDS,
    WRITER_ROLES,
    ReportStatus,
    Standing,
)
from .models import ImplementationReport, ReportCall, school_year_period

# --- who sees what ----------------------------------------------------------------------------


def _parent_paths(paths) -> set[str]:
    return {path[: -Unit.steplen] for path in paths if len(path) > Unit.steplen}


def calls_overseen_by(user) -> QuerySet[ReportCall]:
    """Calls of units in the user's scope: whose overview (who has reported) they may read."""
    calls = ReportCall.objects.select_related("unit")
    if is_unrestricted(user):
        return calls
    condition = scope_q(user, field="unit__path")
    return calls.none() if condition is None else calls.filter(condition)


def calls_visible_to(user) -> QuerySet[ReportCall]:
    """Calls the user oversees, and calls addressed to a unit the user holds a role at."""
    calls = ReportCall.objects.select_related("unit")
    if is_unrestricted(user):
        return calls
    condition = Q(unit__path__in=_parent_paths(membership_paths(user)))
    overseen = scope_q(user, field="unit__path")
    if overseen is not None:
        condition |= overseen
    return calls.filter(condition)


def reports_visible_to(user) -> QuerySet[ImplementationReport]:
    reports = ImplementationReport.objects.select_related(
        "unit", "call__unit", "sent_to", "sent_by", "returned_by"
    )
    if is_unrestricted(user):
        return reports
    condition = Q(unit__path__in=membership_paths(user))
    above = scope_q(user, field="unit__path")
    if above is not None:
        condition |= Q(first_sent_at__isnull=False) & above
    return reports.filter(condition)


def is_own_member(user, report: ImplementationReport) -> bool:
    """A role at the reporting unit itself: sees the working copy, not only what was sent."""
    return report.unit.path in membership_paths(user)


# Sub-units (teams, faculties, offices) answer only the call of the institution they belong to:
# an academy asks its faculties and offices (seed 004); a Sở or a commune asks its schools and
# communes, not its own offices, whose work its own report covers.
ASKS_ITS_SUBUNITS = UnitLevel.SCHOOL


def _answers(asker_level: str) -> Q:
    return Q() if asker_level == ASKS_ITS_SUBUNITS else ~Q(level=UnitLevel.SUBUNIT)


def _answers_outer(asker_level_field: str) -> Q:
    """`_answers` inside a subquery, the asking unit being the outer row."""
    return ~Q(level=UnitLevel.SUBUNIT) | Q(
        Exact(OuterRef(asker_level_field), Value(ASKS_ITS_SUBUNITS))
    )


def expected_units(call: ReportCall) -> QuerySet[Unit]:
    """The asking unit's direct sub-units that must report, existing on the due date."""
    unit, day = call.unit, call.due_on
    return (
        Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        .filter(_answers(unit.level))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("level", "name")
    )


def is_expected(call: ReportCall, unit: Unit) -> bool:
    return expected_units(call).filter(pk=unit.pk).exists()


# --- the numbers ------------------------------------------------------------------------------

MEASURES = ("introduced", "forwarded", "in_review", "recognised", "rejected", "revoked")
# Dossiers "introduced" (giới thiệu) are those the unit's subtree submitted: every state but
# draft and withdrawn. "In review" covers those still on their way (at a unit, returned for
# revision, approved and waiting for the decision).
NOT_INTRODUCED = (State.DRAFT, State.WITHDRAWN)
IN_REVIEW = (State.UNDER_REVIEW, State.RETURNED, State.APPROVED)
REGISTRY_ROWS = (
    ("emulation", RecordKind.TITLE, TitleKind.EMULATION),
    ("award", RecordKind.TITLE, TitleKind.AWARD),
    ("initiative", RecordKind.INITIATIVE, None),
    ("research", RecordKind.RESEARCH, None),
)


def _introduced(unit: Unit, period) -> QuerySet[Nomination]:
    """The subtree's dossiers of the rounds that opened in the period (a round of the calendar
    year 2026 opened in October belongs to the school year 2026 - 2027, not 2025 - 2026)."""
    start, end = period
    return Nomination.objects.filter(
        nominating_unit__path__startswith=unit.path, round__opens_on__range=(start, end)
    ).exclude(state__in=NOT_INTRODUCED)


def _decided_in(period) -> Q:
    """Recognised by a decision signed within the period. A decision signed after it belongs
    to the next report; in this one the dossier was still waiting for it."""
    return Q(state=State.RECOGNISED) & (
        Q(decision__isnull=True) | Q(decision__signed_on__lte=period[1])
    )


def _waiting_at_end(period) -> Q:
    return Q(state__in=IN_REVIEW) | Q(state=State.RECOGNISED, decision__signed_on__gt=period[1])


def _iso(day) -> str:
    return day.isoformat() if day else ""


def report_figures(unit: Unit, year: int, period=None) -> dict:
    """What the unit's subtree did in school year `year` (from 1/9 to 31/8, or the `period`
    its call states), as plain JSON-ready data (codes, names, ISO dates), so the same dict is
    shown live and frozen in the snapshot. Five queries."""
    period = period or school_year_period(year)
    introduced = _introduced(unit, period)
    by_category = {
        row["category"]: row
        for row in introduced.order_by()
        .values("category")
        .annotate(
            introduced=Count("pk"),
            in_review=Count("pk", filter=_waiting_at_end(period)),
            recognised=Count("pk", filter=_decided_in(period)),
            rejected=Count("pk", filter=Q(state=State.REJECTED)),
            revoked=Count("pk", filter=Q(state=State.REVOKED)),
        )
    }
    # Sent up by this unit itself, as `nominations.progress` counts it (a draft never left).
    forwarded = dict(
        ChainStep.objects.filter(unit=unit, nomination__round__opens_on__range=period)
        .sent()
        .order_by()
        .values_list("nomination__category")
        .annotate(n=Count("pk"))
    )
    categories = []
    for code in NomineeCategory.values:
        row = by_category.get(code, {})
        categories.append(
            {
                "category": code,
                **{m: row.get(m, 0) for m in MEASURES if m != "forwarded"},
                "forwarded": forwarded.get(code, 0),
            }
        )
    totals = {m: sum(row[m] for row in categories) for m in MEASURES}

    titles = [
        {"title": row["title__name"], "introduced": row["n"], "recognised": row["won"]}
        for row in introduced.order_by()
        .values("title_id", "title__name", "title__order")
        .annotate(n=Count("pk"), won=Count("pk", filter=_decided_in(period)))
        .order_by("title__order", "title__name")
    ]

    records = (
        AchievementRecord.objects.filter(year=year, is_revoked=False)
        .filter(Q(person__unit__path__startswith=unit.path) | Q(unit__path__startswith=unit.path))
        .filter(kind__in=[RecordKind.TITLE, RecordKind.INITIATIVE, RecordKind.RESEARCH])
        .order_by()
        .values("kind", "title__kind")
        .annotate(
            individual=Count("pk", filter=Q(person__isnull=False)),
            collective=Count("pk", filter=Q(unit__isnull=False)),
        )
    )
    found = {
        (r["kind"], r["title__kind"] if r["kind"] == RecordKind.TITLE else None): r for r in records
    }
    registry = [
        {
            "row": code,
            "individual": found.get((kind, title_kind), {}).get("individual", 0),
            "collective": found.get((kind, title_kind), {}).get("collective", 0),
        }
        for code, kind, title_kind in REGISTRY_ROWS
    ]

    exemplars = [
        _exemplar(n, period)
        for n in introduced.select_related(
            "nominee_person__unit", "nominee_unit", "nominating_unit", "title", "decision"
        ).order_by("nominating_unit__path", "category", "pk")
    ]
    return {
        "categories": categories,
        "totals": totals,
        "titles": titles,
        "registry": registry,
        "exemplars": exemplars,
    }


def _exemplar(n: Nomination, period) -> dict:
    person = n.nominee_person
    # A decision signed after the period is not this report's: the dossier was approved and
    # waiting for it.
    decided = n.decision_id is not None and n.decision.signed_on <= period[1]
    late = n.decision_id is not None and not decided
    state = State.APPROVED if n.state == State.RECOGNISED and late else n.state
    return {
        "nomination": n.pk,
        "name": person.full_name if person else n.nominee_unit.name,
        "collective": person is None,
        "position": person.position if person else "",
        "unit": person.unit.name if person else n.nominating_unit.name,
        "title": n.title.name,
        "category": n.category,
        "state": state,
        "decision_number": n.decision.number if decided else "",
        "decision_date": _iso(n.decision.signed_on) if decided else "",
        "decision_issuer": n.decision.issuer if decided else "",
    }


# --- showing a report -------------------------------------------------------------------------


def readable(figures: dict) -> dict:
    """Labels (in the active language) and dates (as dates) for the stored codes and ISO text."""
    exemplars = [
        {
            **e,
            "position_label": Position(e["position"]).label if e["position"] else "",
            "category_label": NomineeCategory(e["category"]).label,
            "state_label": State(e["state"]).label,
            "decision_date": parse_date(e["decision_date"]) if e["decision_date"] else None,
        }
        for e in figures["exemplars"]
    ]
    registry_labels = {
        "emulation": TitleKind.EMULATION.label,
        "award": TitleKind.AWARD.label,
        "initiative": RecordKind.INITIATIVE.label,
        "research": RecordKind.RESEARCH.label,
    }
    registry = [
        {**r, "label": registry_labels[r["row"]], "total": r["individual"] + r["collective"]}
        for r in figures["registry"]
    ]
    return {
        **figures,
        "categories": [
            {**c, "label": NomineeCategory(c["category"]).label} for c in figures["categories"]
        ],
        "registry": registry,
        "registry_total": sum(r["total"] for r in registry),
        "exemplars": exemplars,
        "recognised": [e for e in exemplars if e["state"] == State.RECOGNISED],
    }


@dataclass
class ReportView:
    """What a page or the printed document shows of a report: the working copy (live numbers,
    current text) for the unit's own members while it is editable, else what was last sent."""

    live: bool
    figures: dict
    sections: dict
    number: str
    signer_title: str
    signer_name: str
    issuer: str
    issuer_parent: str
    day: datetime.date


def report_view(report: ImplementationReport, *, live: bool) -> ReportView:
    if live or not report.snapshot:
        parent = Unit.objects.get_parent(report.unit)
        return ReportView(
            live=True,
            figures=readable(report_figures(report.unit, report.year, report.call.period)),
            sections={f: getattr(report, f) for f in SECTION_FIELDS},
            number=report.number,
            signer_title=report.signer_title,
            signer_name=report.signer_name,
            issuer=report.unit.name,
            issuer_parent=parent.name if parent else "",
            day=timezone.localdate(),
        )
    snap = report.snapshot
    return ReportView(
        live=False,
        figures=readable(snap["figures"]),
        sections=snap["sections"],
        number=snap["number"],
        signer_title=snap["signer_title"],
        signer_name=snap["signer_name"],
        issuer=snap["issuer"],
        issuer_parent=snap["issuer_parent"],
        day=timezone.localdate(parse_datetime(snap["sent_at"])),
    )


def shows_working_copy(user, report: ImplementationReport) -> bool:
    return report.status in EDITABLE_STATUSES and is_own_member(user, report)


# --- the asking unit's overview ---------------------------------------------------------------


@dataclass
class OverviewRow:
    unit: Unit
    report: ImplementationReport | None
    standing: str
    late: bool
    expected: bool = True

    @property
    def standing_label(self) -> str:
        return Standing(self.standing).label

    @property
    def sent_on(self) -> datetime.date | None:
        if self.report is None or self.report.sent_at is None:
            return None
        return timezone.localdate(self.report.sent_at)


@dataclass
class Overview:
    call: ReportCall
    rows: list[OverviewRow]
    today: datetime.date

    def _count(self, test) -> int:
        return sum(1 for row in self.rows if row.expected and test(row))

    @property
    def expected(self) -> int:
        return self._count(lambda row: True)

    @property
    def sent(self) -> int:
        return self._count(lambda row: row.standing == Standing.SENT)

    @property
    def sent_late(self) -> int:
        return self._count(lambda row: row.standing == Standing.SENT and row.late)

    @property
    def not_sent(self) -> int:
        return self.expected - self.sent

    @property
    def overdue(self) -> int:
        return self._count(lambda row: row.standing != Standing.SENT and row.late)

    @property
    def is_past_due(self) -> bool:
        return self.today > self.call.due_on


def _standing(report) -> str:
    if report is None:
        return Standing.NOT_STARTED
    if report.status == ReportStatus.SENT:
        return Standing.SENT
    if report.status == ReportStatus.RETURNED:
        return Standing.RETURNED
    return Standing.DRAFTING


def _late(report, call, today) -> bool:
    """Judged on the first sending: a report sent on time and returned for a correction is not
    late; one never sent is late the day after the due date."""
    if report is not None and report.first_sent_at is not None:
        return timezone.localdate(report.first_sent_at) > call.due_on
    return today > call.due_on


def call_overview(call: ReportCall, *, today=None) -> Overview:
    """Every sub-unit that must report, with its report's standing and its totals as sent; and
    any report received from a unit that has since moved elsewhere. Two queries."""
    today = today or timezone.localdate()
    reports = {
        r.unit_id: r
        for r in call.reports.select_related("unit", "sent_by")
        .defer("snapshot", "direction", "propagation", "difficulties", "proposals")
        .annotate(
            sent_introduced=Cast(KT("snapshot__figures__totals__introduced"), IntegerField()),
            sent_recognised=Cast(KT("snapshot__figures__totals__recognised"), IntegerField()),
        )
    }
    rows = []
    for unit in expected_units(call):
        report = reports.pop(unit.pk, None)
        rows.append(OverviewRow(unit, report, _standing(report), _late(report, call, today)))
    for report in sorted(reports.values(), key=lambda r: r.unit.name):
        if report.first_sent_at is not None:
            rows.append(
                OverviewRow(
                    report.unit,
                    report,
                    _standing(report),
                    _late(report, call, today),
                    expected=False,
                )
            )
    return Overview(call=call, rows=rows, today=today)


# --- the unit's own page ----------------------------------------------------------------------


@dataclass
class Assignment:
    """A call addressed to a unit the user holds a role at, and that unit's report if begun."""

    unit: Unit
    call: ReportCall
    report: ImplementationReport | None
    can_write: bool = False

    @property
    def standing_label(self) -> str:
        return Standing(_standing(self.report)).label

    @property
    def late(self) -> bool:
        return _late(self.report, self.call, timezone.localdate())


def assignments_of(user) -> list[Assignment]:
    """What the user's units have been asked to report, newest year first. Three queries."""
    from units.selectors import memberships_of

    memberships = [m for m in memberships_of(user) if len(m.unit.path) > Unit.steplen]
    units = {m.unit.path: m.unit for m in memberships}
    writes_for = {m.unit.pk for m in memberships if m.role in WRITER_ROLES}
    if not units:
        return []
    calls = list(
        ReportCall.objects.filter(unit__path__in=_parent_paths(units)).select_related("unit")
    )
    reports = {
        (r.unit_id, r.call_id): r
        for r in ImplementationReport.objects.filter(unit__in=units.values(), call__in=calls).defer(
            "snapshot"
        )
    }
    found = [
        Assignment(unit, call, reports.get((unit.pk, call.pk)), unit.pk in writes_for)
        for call in calls
        for unit in units.values()
        if unit.path[: -Unit.steplen] == call.unit.path
        and (unit.level != UnitLevel.SUBUNIT or call.unit.level == ASKS_ITS_SUBUNITS)
        and call.due_on >= (unit.valid_from or call.due_on)
        and call.due_on <= (unit.valid_to or call.due_on)
    ]
    return sorted(found, key=lambda a: (-a.call.year, a.unit.name))


# --- lists of calls ---------------------------------------------------------------------------


def with_progress(calls: QuerySet[ReportCall]) -> QuerySet[ReportCall]:
    """Annotate how many sub-units must report (`expected_count`) and how many reports stand
    sent (`sent_count`): two subqueries, whatever the number of calls on the page."""
    children = (
        Unit.objects.filter(
            path__startswith=OuterRef("unit__path"), depth=OuterRef("unit__depth") + 1
        )
        .filter(_answers_outer("unit__level"))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=OuterRef("due_on")))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("due_on")))
        .order_by()
        .values("depth")  # one group: every child has the same depth
        .annotate(n=Count("pk"))
        .values("n")
    )
    sent = (
        ImplementationReport.objects.filter(call=OuterRef("pk"), status=ReportStatus.SENT)
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return calls.annotate(
        expected_count=Coalesce(Subquery(children, output_field=IntegerField()), 0),
        sent_count=Coalesce(Subquery(sent, output_field=IntegerField()), 0),
    )


def units_issuing_for(user) -> QuerySet[Unit]:
    """The units at which the user may ask for reports: a role to issue calls there, and
    sub-units that would answer (a Sở's own offices do not)."""
    reporting_children = Unit.objects.filter(
        path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1
    ).filter(_answers_outer("level"))
    return (
        Unit.objects.filter(
            memberships__user=user,
            memberships__is_active=True,
            memberships__role__in=ISSUER_ROLES,
        )
        .filter(Exists(reporting_children))
        .distinct()
        .order_by("path")
    )
