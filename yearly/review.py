"""The year-end review of a unit ("bình xét cuối năm"), in one pass.

Every member of the unit *as of the school year* (the eligibility engine's dated membership,
`criteria.eligibility.Facts.members`), with the year's rating, initiatives, research projects and
discipline, and the verdict of each title in dependency order: LĐTT (the standard: the rating),
then CSTĐCS (which needs the LĐTT standard), then the collective's TTLĐTT and TTLĐXS (which count
the members' LĐTT and CSTĐCS). Nothing waits for a decision to be recorded: a member who passes
LĐTT is counted as holding it (`Facts.assume_title`) when CSTĐCS and the collective's shares are
evaluated. The engine decides every verdict; this module only orders the calls and lays out the
result, so the law lives in one place (criteria/eligibility.py and its rules as data).

The registry and the placements are read once (`Facts.load`), so the page costs a constant
number of queries whatever the size of the school.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.eligibility import Facts, RuleResult, evaluate_title, overall
from criteria.enums import RecordKind, RuleStatus
from units.models import Person, Unit

# Dependency order: each title may count the ones before it.
INDIVIDUAL_TITLES = ("LDTT", "CSTDCS")
COLLECTIVE_TITLES = ("TTLDTT", "TTLDXS")


def default_year(today: datetime.date | None = None) -> int:
    """The school year a review is about: the one that ends in May of this year, from May on;
    before May, the one that ended last year."""
    today = today or timezone.localdate()
    return today.year if today.month >= 5 else today.year - 1


@dataclass
class Verdict:
    code: str
    name: str
    status: str
    results: list[RuleResult]

    @property
    def passed(self) -> bool:
        return self.status == RuleStatus.PASS

    @property
    def status_label(self) -> str:
        return str(RuleStatus(self.status).label)

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if r.status != RuleStatus.PASS and r.blocks]

    @property
    def missing(self) -> list[str]:
        """What is lacking, rule by rule ("thiếu sáng kiến cấp cơ sở năm 2025")."""
        return [r.missing or r.message for r in self.failed]

    @property
    def narrowly_missed(self) -> bool:
        """Missed by one thing only: one failing rule, short by one."""
        failed = self.failed
        return (
            self.status == RuleStatus.FAIL
            and len(failed) == 1
            and failed[0].status == RuleStatus.FAIL
            and (failed[0].shortfall or 1) == 1
        )


@dataclass
class MemberRow:
    person: Person
    rating: str = ""
    initiatives: list[str] = field(default_factory=list)
    research: list[str] = field(default_factory=list)
    discipline: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)

    def verdict(self, code) -> Verdict | None:
        return next((v for v in self.verdicts if v.code == code), None)


@dataclass
class Share:
    label: str
    achieved: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.achieved / self.total, 1) if self.total else 0.0


@dataclass
class UnitReview:
    unit: Unit
    year: int
    members: list[MemberRow]
    collective: list[Verdict]
    shares: list[Share]

    @property
    def school_year(self) -> str:
        return f"{self.year - 1}–{self.year}"

    def eligible(self):
        """(person or None, title code) of every title passed, individuals first."""
        for row in self.members:
            for verdict in row.verdicts:
                if verdict.passed:
                    yield row.person, verdict.code
        for verdict in self.collective:
            if verdict.passed:
                yield None, verdict.code


def _describe(record) -> str:
    text = record.description or record.get_kind_display()
    if record.scope:
        text = f"{text} ({record.get_scope_display()})"
    return text


def review_members(unit: Unit, year: int, facts: Facts) -> list[Person]:
    """The people the review lists: the unit's members as of the school year (dated
    membership, merged units included, pupils excluded), as the engine counts them."""
    ids = facts.members(unit, year)
    return list(Person.objects.filter(pk__in=ids).select_related("unit").order_by("full_name"))


def unit_review(unit: Unit, year: int, *, today: datetime.date | None = None) -> UnitReview:
    """The whole review of `unit` for the school year ending in `year`, in one pass."""
    today = today or timezone.localdate()
    facts = Facts.load(units=[unit])
    people = review_members(unit, year, facts)
    titles = facts.titles()
    rows = []
    for person in people:
        row = MemberRow(person=person)
        for record in facts.person_records(person.pk):
            if record.year != year:
                continue
            if record.kind == RecordKind.RATING:
                row.rating = record.get_rating_display()
            elif record.kind == RecordKind.INITIATIVE:
                row.initiatives.append(_describe(record))
            elif record.kind == RecordKind.RESEARCH:
                row.research.append(_describe(record))
            elif record.kind == RecordKind.DISCIPLINE:
                row.discipline.append(record.get_discipline_level_display() or _describe(record))
            elif record.kind == RecordKind.DISCIPLINE_REVIEW:
                row.discipline.append(record.get_kind_display())
        rows.append(row)
    for code in INDIVIDUAL_TITLES:
        if code not in titles:
            continue
        for row in rows:
            results = evaluate_title(
                title=code, subject=row.person, year=year, today=today, facts=facts
            )
            verdict = Verdict(code, facts.title_name(code), overall(results), results)
            row.verdicts.append(verdict)
            if verdict.passed:  # counted by the titles after it, before any decision
                facts.assume_title(row.person.pk, code, year)
    collective = []
    for code in COLLECTIVE_TITLES:
        if code in titles:
            results = evaluate_title(title=code, subject=unit, year=year, today=today, facts=facts)
            collective.append(Verdict(code, facts.title_name(code), overall(results), results))
    total = len(rows)
    shares = [
        Share(
            _("Đạt tiêu chuẩn %(title)s") % {"title": facts.title_name(code)},
            sum(1 for row in rows if (v := row.verdict(code)) and v.passed),
            total,
        )
        for code in INDIVIDUAL_TITLES
        if code in titles
    ]
    return UnitReview(unit=unit, year=year, members=rows, collective=collective, shares=shares)
