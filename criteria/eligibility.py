"""Evaluating eligibility rules against the achievement registry.

Public API (stable; the year-end review of a unit calls it for a whole school in one pass)
----------------------------------------------------------------------------------------------
``evaluate_title(title=, subject=, year=, on_date=None, today=None, facts=None)``
    The verdict of every rule of one title (a code or a Title) for one Person or Unit in the
    school year ending in ``year`` (2025 = school year 2024–2025). Rules whose ``applies_to``
    does not fit the subject (an individual rule for a unit) are skipped.
``evaluate_rules(rules=, subject=, year=, on_date, today=None, severities=None, facts=None)``
    The same for an explicit list of rules (a campaign adds its own, with its own severities).
``overall(results) -> RuleStatus``
    FAIL if a blocking rule fails, else UNKNOWN if any rule lacks data, else PASS (a failed
    warning-only rule does not make the title fail; its result still says FAIL).
``Facts.load(people=(), units=())``
    Prefetch the registry for many subjects in a constant number of queries: each person's
    records, each unit's records (with the units merged into it), and for units the people
    placed in their subtree, with those people's records. Pass the same ``facts`` to every call.
``Facts.assume_title(person_id, code, year)`` / ``Facts.assume_rating(...)``
    Treat a title (or a rating) as held although no decision is recorded yet: a year-end review
    computes LĐTT, then CSTĐCS, then the collective's TTLĐTT/TTLĐXS (which count the members'
    CSTĐCS) in one pass, before anyone signs a decision.
``members_in_year(unit, year, facts=None) -> list[int]``
    The people counted in a collective's shares for that year (placed in the unit, or in a unit
    merged into it, on the assessment day; pupils and students excluded).

Dates: ``on_date`` picks the rule version: the day the competent body accepted the dossier
(``Nomination.accepted_on``), or today for a dossier not yet accepted. Where a later version
marked ``applies_if_more_favourable`` is in force by ``today``, it is evaluated too and the better
result is taken; both are kept in ``RuleResult.alternatives`` for the reviewer. ``today`` (default:
the local date) is also the day "under disciplinary review" is checked on.

Each ``RuleResult`` names its rule (``rule_name``), the version and legal source it used
(``legal_source``, ``unverified_sources``), a Vietnamese sentence saying why
("Có 2/3 năm liên tục đạt CSTĐCS (2023, 2024); còn thiếu năm 2022.") and, when the rule is not
met, ``missing`` (what is lacking, "cần thêm 1 người đạt LĐTT") and ``shortfall`` (how many
people, years or initiatives are lacking; 1 means narrowly). A rule whose parameters are invalid
answers UNKNOWN saying so, never raises. Shares are compared in exact arithmetic: 69.9% never
rounds up to 70%.
"""

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from units.enums import Position
from units.models import Person, Placement, Unit

from .enums import (
    DisciplineLevel,
    NomineeKind,
    Rating,
    RecognitionScope,
    RecordKind,
    RuleStatus,
    RuleType,
    Severity,
)
from .models import AchievementRecord, EligibilityRule, RuleVersion, Title
from .params import params_problems

NON_STAFF_POSITIONS = (Position.PUPIL, Position.STUDENT)
# The day a school year's membership is taken on: the year-end review (May–July) reviews the
# staff of the year that ends; a rule may set another day with "as_of": "MM-DD".
ASSESSMENT_DAY = (5, 31)
STATUS_RANK = {RuleStatus.PASS: 3, RuleStatus.UNKNOWN: 2, RuleStatus.FAIL: 1}


@dataclass(frozen=True)
class Outcome:
    """What one evaluator found."""

    status: str
    message: str
    missing: str = ""
    shortfall: int | None = None


@dataclass(frozen=True)
class Alternative:
    """The result of one version of a rule, when more than one was evaluated."""

    version: RuleVersion
    status: str
    message: str
    chosen: bool


@dataclass(frozen=True)
class RuleResult:
    rule: EligibilityRule
    version: RuleVersion | None
    status: str
    message: str
    severity: str
    missing: str = ""
    shortfall: int | None = None
    alternatives: tuple = field(default=())

    @property
    def blocks(self) -> bool:
        return self.severity == Severity.BLOCK and self.status != RuleStatus.PASS

    @property
    def rule_name(self) -> str:
        return self.rule.name

    @property
    def legal_source(self) -> str:
        return self.version.legal_source if self.version else ""

    @property
    def unverified_sources(self) -> list:
        return self.version.unverified_sources if self.version else []

    @property
    def narrowly_missed(self) -> bool:
        return self.status == RuleStatus.FAIL and self.shortfall == 1

    def __str__(self):
        return f"{self.rule_name}: {self.message}"


def overall(results) -> str:
    if any(r.blocks and r.status == RuleStatus.FAIL for r in results):
        return RuleStatus.FAIL
    if any(r.status == RuleStatus.UNKNOWN for r in results):
        return RuleStatus.UNKNOWN
    return RuleStatus.PASS


def _years(years) -> str:
    return ", ".join(str(y) for y in sorted(years))


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _percent(value: Decimal) -> str:
    """70 -> "70", 69.9 -> "69,9" (in Vietnamese): one decimal only where there is one."""
    value = Decimal(value).quantize(Decimal("0.1"))
    return formats.number_format(value, 0 if value == value.to_integral_value() else 1)


def assessment_day(year: int, params=None) -> datetime.date:
    month, day = ASSESSMENT_DAY
    if params and params.get("as_of"):
        month, day = (int(part) for part in str(params["as_of"]).split("-"))
    return datetime.date(year, month, day)


# --- the facts ----------------------------------------------------------------------------------
class Facts:
    """The registry, the catalogue and the placements an evaluation reads, loaded once and
    shared by every evaluation that gets the same instance. Without `load()`, what is needed is
    queried on first use and cached."""

    def __init__(self):
        self._titles = None
        self._rules = None
        self._merged = None
        self._unit_paths: dict[int, str] = {}
        self._person_records: dict[int, list] = {}
        self._unit_records: dict[int, list] = {}
        self._placed: dict[int, list] = {}
        self._assumed: dict[int, list] = defaultdict(list)

    @classmethod
    def load(cls, *, people=(), units=()):
        facts = cls()
        units = list(units)
        people_ids = {p if isinstance(p, int) else p.pk for p in people}
        for unit in units:
            people_ids |= {row[0] for row in facts.placed_in(unit)}
        facts.prefetch_people(people_ids)
        facts.prefetch_units([uid for unit in units for uid in facts.history_ids(unit)])
        facts.titles()
        facts.rules()
        return facts

    # catalogue
    def titles(self) -> dict[str, Title]:
        if self._titles is None:
            self._titles = {t.code: t for t in Title.objects.all()}
        return self._titles

    def title_name(self, code) -> str:
        title = self.titles().get(code)
        return (title.short_name or title.name) if title else code

    def rules(self) -> list[EligibilityRule]:
        if self._rules is None:
            self._rules = list(
                EligibilityRule.objects.select_related("title").prefetch_related(
                    Prefetch(
                        "versions",
                        queryset=RuleVersion.objects.order_by("effective_from").prefetch_related(
                            "sources"
                        ),
                    )
                )
            )
        return self._rules

    def rules_for(self, title_code: str, nominee_kind: str) -> list[EligibilityRule]:
        return [
            rule
            for rule in self.rules()
            if rule.title_id
            and rule.title.code == title_code
            and rule.applies_to in (nominee_kind, NomineeKind.BOTH)
        ]

    # units and merges
    def _merge_map(self) -> dict[int, list[int]]:
        if self._merged is None:
            self._merged = defaultdict(list)
            for pk, into in Unit.objects.filter(merged_into__isnull=False).values_list(
                "pk", "merged_into_id"
            ):
                self._merged[into].append(pk)
        return self._merged

    def history_ids(self, unit) -> list[int]:
        """The unit and every unit merged into it, directly or through earlier merges."""
        merged = self._merge_map()
        ids, frontier = [unit.pk], [unit.pk]
        while frontier:
            frontier = [pk for into in frontier for pk in merged.get(into, []) if pk not in ids]
            ids.extend(frontier)
        return ids

    def _paths(self, ids) -> list[str]:
        unknown = [pk for pk in ids if pk not in self._unit_paths]
        if unknown:
            self._unit_paths.update(Unit.objects.filter(pk__in=unknown).values_list("pk", "path"))
        return [self._unit_paths[pk] for pk in ids if pk in self._unit_paths]

    # records
    def prefetch_people(self, ids) -> None:
        ids = [pk for pk in ids if pk not in self._person_records]
        for pk in ids:
            self._person_records[pk] = []
        for start in range(0, len(ids), 2000):
            for record in AchievementRecord.objects.filter(
                person_id__in=ids[start : start + 2000], is_revoked=False
            ).select_related("title"):
                self._person_records[record.person_id].append(record)

    def prefetch_units(self, ids) -> None:
        ids = [pk for pk in ids if pk not in self._unit_records]
        for pk in ids:
            self._unit_records[pk] = []
        if ids:
            for record in AchievementRecord.objects.filter(
                unit_id__in=ids, is_revoked=False
            ).select_related("title"):
                self._unit_records[record.unit_id].append(record)

    def person_records(self, person_id: int) -> list:
        if person_id not in self._person_records:
            self.prefetch_people([person_id])
        return self._person_records[person_id] + self._assumed.get(person_id, [])

    def unit_records(self, unit) -> list:
        """The unit's records and those of the units merged into it; the unit's own last, so
        that its own rating of a year wins over a merged unit's."""
        ids = self.history_ids(unit)
        self.prefetch_units(ids)
        return [r for pk in reversed(ids) for r in self._unit_records[pk]]

    def assume_title(self, person_id: int, code: str, year: int) -> None:
        """Count `code` as held by the person in `year` although it is not recorded yet."""
        self._assumed[person_id].append(
            AchievementRecord(
                person_id=person_id,
                year=year,
                kind=RecordKind.TITLE,
                title=self.titles()[code],
                source_ref="assumed",
            )
        )

    def assume_rating(self, person_id: int, rating: str, year: int) -> None:
        self._assumed[person_id].append(
            AchievementRecord(
                person_id=person_id,
                year=year,
                kind=RecordKind.RATING,
                rating=rating,
                source_ref="assumed",
            )
        )

    # members
    def placed_in(self, unit) -> list[tuple]:
        """(person id, joined_on, left_on) of everyone ever placed in the unit's subtree or in
        the subtree of a unit merged into it. People with no placement at all (added before
        placements existed, or by a bulk path that made none) count as placed at their unit
        since always while they are active."""
        if unit.pk not in self._placed:
            paths = self._paths(self.history_ids(unit))
            where = Q(pk__in=[])
            for path in paths:
                where |= Q(unit__path__startswith=path)
            rows = list(
                Placement.objects.filter(where)
                .exclude(person__position__in=NON_STAFF_POSITIONS)
                .values_list("person_id", "joined_on", "left_on")
            )
            legacy = (
                Person.objects.filter(where, is_active=True, placements__isnull=True)
                .exclude(position__in=NON_STAFF_POSITIONS)
                .values_list("pk", flat=True)
            )
            rows += [(pk, None, None) for pk in legacy]
            self._placed[unit.pk] = rows
        return self._placed[unit.pk]

    def members(self, unit, year: int, params=None) -> list[int]:
        day = assessment_day(year, params)
        return sorted(
            {
                person
                for person, joined, left in self.placed_in(unit)
                if (joined is None or joined <= day) and (left is None or day <= left)
            }
        )


def members_in_year(unit: Unit, year: int, facts: Facts | None = None) -> list[int]:
    return (facts or Facts()).members(unit, year)


def history_unit_ids(unit: Unit) -> list[int]:
    """The unit and every unit merged into it, directly or through earlier merges."""
    return Facts().history_ids(unit)


class History:
    """The registry facts about one subject, read from a Facts."""

    def __init__(self, subject, facts: Facts):
        self.subject = subject
        self.facts = facts
        self.is_collective = isinstance(subject, Unit)
        if self.is_collective:
            self.records = facts.unit_records(subject)
        else:
            self.records = facts.person_records(subject.pk)

    def of_kind(self, kind, records=None):
        return [r for r in (self.records if records is None else records) if r.kind == kind]

    def title_years(self, code, records=None) -> set[int]:
        return {r.year for r in self.of_kind(RecordKind.TITLE, records) if r.title.code == code}

    def known_years(self, records=None) -> set[int]:
        return {r.year for r in (self.records if records is None else records)}

    def members(self, year, params=None) -> tuple[int, dict[int, list[AchievementRecord]]]:
        """Number of members in `year` and their records by person."""
        people = self.facts.members(self.subject, year, params)
        self.facts.prefetch_people(people)
        return len(people), {pk: self.facts.person_records(pk) for pk in people}


def share_meets(achieved: int, total: int, min_percent, *, strict: bool) -> bool:
    """Exact: achieved/total compared with min_percent without any rounding."""
    left, right = Decimal(achieved) * 100, Decimal(str(min_percent)) * total
    return left > right if strict else left >= right


def people_needed(achieved: int, total: int, min_percent, *, strict: bool) -> int:
    """How many more members must achieve for the share to be met."""
    more = 0
    while not share_meets(achieved + more, total, min_percent, strict=strict) and more <= total:
        more += 1
    return more


# --- the evaluators -----------------------------------------------------------------------------
def _consecutive_title(history, params, year, day):
    code, count = params["title"], int(params["years"])
    last = year - int(params.get("until_offset", 0))
    window = list(range(last - count + 1, last + 1))
    held = history.title_years(code) & set(window)
    missing = [y for y in window if y not in held]
    name = history.facts.title_name(code)
    if not missing:
        return Outcome(
            RuleStatus.PASS,
            _("Đạt %(title)s %(n)s/%(n)s năm liên tục (%(years)s).")
            % {"title": name, "n": count, "years": _years(window)},
        )
    base = _("Có %(held)s/%(n)s năm liên tục đạt %(title)s%(years)s") % {
        "held": len(held),
        "n": count,
        "title": name,
        "years": f" ({_years(held)})" if held else "",
    }
    lacking = _("thiếu %(title)s năm %(years)s") % {"title": name, "years": _years(missing)}
    unknown = [y for y in missing if y not in history.known_years()]
    if unknown:
        return Outcome(
            RuleStatus.UNKNOWN,
            base + _("; chưa có dữ liệu năm %(years)s.") % {"years": _years(unknown)},
            lacking,
            len(missing),
        )
    return Outcome(
        RuleStatus.FAIL,
        base + _("; còn thiếu năm %(years)s.") % {"years": _years(missing)},
        lacking,
        len(missing),
    )


def _title_in_year(history, params, year, day):
    code, target = params["title"], year - int(params.get("year_offset", 0))
    name = history.facts.title_name(code)
    if target in history.title_years(code):
        return Outcome(
            RuleStatus.PASS, _("Đã đạt %(title)s năm %(year)s.") % {"title": name, "year": target}
        )
    lacking = _("thiếu %(title)s năm %(year)s") % {"title": name, "year": target}
    if target not in history.known_years():
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Chưa có dữ liệu năm %(year)s để xác định %(title)s.")
            % {"year": target, "title": name},
            lacking,
            1,
        )
    return Outcome(
        RuleStatus.FAIL,
        _("Chưa đạt %(title)s năm %(year)s.") % {"title": name, "year": target},
        lacking,
        1,
    )


def _title_count(history, params, year, day):
    code, needed = params["title"], int(params["min_count"])
    first = int(params.get("from_year") or year - int(params["years"]) + 1)
    last = int(params.get("to_year") or year)
    held = {y for y in history.title_years(code) if first <= y <= last}
    name = history.facts.title_name(code)
    text = _("Đạt %(title)s %(held)s/%(needed)s năm trong giai đoạn %(span)s%(years)s") % {
        "title": name,
        "held": len(held),
        "needed": needed,
        "span": _span(first, last),
        "years": f" ({_years(held)})" if held else "",
    }
    if len(held) >= needed:
        return Outcome(RuleStatus.PASS, text + ".")
    short = needed - len(held)
    lacking = _("cần thêm %(n)s năm đạt %(title)s") % {"n": short, "title": name}
    unknown = [y for y in range(first, last + 1) if y not in history.known_years()]
    if len(held) + len(unknown) >= needed and unknown:
        return Outcome(
            RuleStatus.UNKNOWN,
            text + _("; chưa có dữ liệu năm %(years)s.") % {"years": _years(unknown)},
            lacking,
            short,
        )
    return Outcome(RuleStatus.FAIL, text + ".", lacking, short)


def _consecutive_awards(history, params, year, day):
    """The title won in `min_count` consecutive award cycles: successive awards exactly
    `cycle_years` apart (CSTĐ cấp bộ/tỉnh is won for 3 consecutive CSTĐCS years, so two
    consecutive ones are 3 years apart), the latest within the `years` window ending in `year`."""
    code, needed = params["title"], int(params["min_count"])
    cycle, first = int(params["cycle_years"]), year - int(params["years"]) + 1
    held = sorted(y for y in history.title_years(code) if first <= y <= year)
    name = history.facts.title_name(code)
    best, run = (1 if held else 0), 1
    for previous, current in itertools.pairwise(held):
        run = run + 1 if current - previous == cycle else 1
        best = max(best, run)
    text = _(
        "Đạt %(title)s %(held)s lần trong giai đoạn %(span)s%(years)s; yêu cầu %(needed)s lần "
        "liên tiếp (mỗi kỳ %(cycle)s năm), nhiều nhất %(best)s lần liên tiếp."
    ) % {
        "title": name,
        "held": len(held),
        "span": _span(first, year),
        "years": f" ({_years(held)})" if held else "",
        "needed": needed,
        "cycle": cycle,
        "best": best,
    }
    if best >= needed:
        return Outcome(RuleStatus.PASS, text)
    short = needed - best
    lacking = _("cần thêm %(n)s lần %(title)s ở kỳ liền kề") % {"n": short, "title": name}
    if not any(first <= y <= year for y in history.known_years()):
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Chưa có dữ liệu giai đoạn %(span)s.") % {"span": _span(first, year)},
            lacking,
            short,
        )
    return Outcome(RuleStatus.FAIL, text, lacking, short)


def _ratings(history):
    return {r.year: Rating(r.rating) for r in history.of_kind(RecordKind.RATING)}


def _min_rating(history, params, year, day):
    """The rating of the year (or of each of the last `years` years) is at least `rating`."""
    required = Rating(params["rating"])
    last = year - int(params.get("year_offset", 0))
    window = range(last - int(params.get("years", 1)) + 1, last + 1)
    ratings = _ratings(history)
    missing = [y for y in window if y not in ratings]
    below = [y for y in window if y in ratings and ratings[y].rank < required.rank]
    got = "; ".join(f"{y}: {ratings[y].label}" for y in window if y in ratings)
    text = _("Xếp loại %(got)s (yêu cầu: từ “%(required)s” trở lên, %(span)s).") % {
        "got": got or "—",
        "required": required.label,
        "span": _span(window[0], window[-1]),
    }
    lacking = _("cần xếp loại từ “%(required)s” năm %(years)s") % {
        "required": required.label,
        "years": _years(below or missing),
    }
    if below:
        return Outcome(RuleStatus.FAIL, text, lacking, len(below))
    if missing:
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Chưa có xếp loại năm %(years)s (yêu cầu: từ “%(required)s” trở lên).")
            % {"years": _years(missing), "required": required.label},
            lacking,
            len(missing),
        )
    return Outcome(RuleStatus.PASS, text)


def _member_achieves(records, params, target) -> bool:
    if params.get("title"):
        return any(
            r.kind == RecordKind.TITLE and r.year == target and r.title.code == params["title"]
            for r in records
        )
    required = Rating(params["rating"])
    return any(
        r.kind == RecordKind.RATING and r.year == target and Rating(r.rating).rank >= required.rank
        for r in records
    )


def _members_required(history, year, params):
    if not history.is_collective:
        return Outcome(RuleStatus.UNKNOWN, _("Điều kiện này chỉ áp dụng cho tập thể."))
    total, _by_person = history.members(year, params)
    if total == 0:
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Tập thể chưa có danh sách thành viên năm %(year)s trên hệ thống.") % {"year": year},
        )
    return None


def _what(history, params):
    if params.get("title"):
        return history.facts.title_name(params["title"])
    return _("xếp loại từ “%(rating)s” trở lên") % {"rating": Rating(params["rating"]).label}


def _member_share(history, params, year, day):
    target = year - int(params.get("year_offset", 0))
    if problem := _members_required(history, target, params):
        return problem
    total, by_person = history.members(target, params)
    if not any(r.year == target for records in by_person.values() for r in records):
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Chưa có dữ liệu năm %(year)s của các thành viên.") % {"year": target},
        )
    achieved = sum(_member_achieves(records, params, target) for records in by_person.values())
    strict = bool(params.get("strict"))
    minimum = params["min_percent"]
    ok = share_meets(achieved, total, minimum, strict=strict)
    text = _(
        "%(achieved)s/%(total)s thành viên (%(percent)s%%) đạt %(what)s năm %(year)s; "
        "yêu cầu %(comparison)s %(minimum)s%%."
    ) % {
        "achieved": achieved,
        "total": total,
        "percent": _percent(Decimal(achieved) * 100 / total),
        "what": _what(history, params),
        "year": target,
        "comparison": _("trên") if strict else _("từ"),
        "minimum": _percent(Decimal(str(minimum))),
    }
    if ok:
        return Outcome(RuleStatus.PASS, text)
    more = people_needed(achieved, total, minimum, strict=strict)
    lacking = _("cần thêm %(n)s người đạt %(what)s để đạt %(comparison)s %(minimum)s%%") % {
        "n": more,
        "what": _what(history, params),
        "comparison": _("trên") if strict else _("từ"),
        "minimum": _percent(Decimal(str(minimum))),
    }
    return Outcome(RuleStatus.FAIL, text, lacking, more)


def _member_count(history, params, year, day):
    target = year - int(params.get("year_offset", 0))
    if problem := _members_required(history, target, params):
        return problem
    _total, by_person = history.members(target, params)
    achieved = sum(_member_achieves(records, params, target) for records in by_person.values())
    needed = int(params["min_count"])
    text = _(
        "Có %(achieved)s thành viên đạt %(what)s năm %(year)s; yêu cầu ít nhất %(needed)s."
    ) % {"achieved": achieved, "what": _what(history, params), "year": target, "needed": needed}
    if achieved >= needed:
        return Outcome(RuleStatus.PASS, text)
    lacking = _("cần thêm %(n)s người đạt %(what)s") % {
        "n": needed - achieved,
        "what": _what(history, params),
    }
    if not any(r.year == target for records in by_person.values() for r in records):
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Chưa có dữ liệu năm %(year)s của các thành viên.") % {"year": target},
            lacking,
            needed - achieved,
        )
    return Outcome(RuleStatus.FAIL, text, lacking, needed - achieved)


def _no_discipline(history, params, year, day):
    level = DisciplineLevel(params["level"])
    first = year - int(params.get("years", 1)) + 1
    records = list(history.records)
    if history.is_collective and params.get("members", True):
        records += [r for rs in history.members(year, params)[1].values() for r in rs]
    hits = [
        r
        for r in records
        if r.kind == RecordKind.DISCIPLINE
        and first <= r.year <= year
        and DisciplineLevel(r.discipline_level).rank >= level.rank
    ]
    span = _span(first, year)
    if not hits:
        return Outcome(
            RuleStatus.PASS,
            _("Không có kỷ luật từ mức %(level)s trở lên trong %(span)s.")
            % {"level": level.label, "span": span},
        )
    hit = sorted(hits, key=lambda r: r.year)[-1]
    who = hit.person.full_name if history.is_collective and hit.person_id else ""
    return Outcome(
        RuleStatus.FAIL,
        _(
            "Có kỷ luật %(level)s năm %(year)s%(who)s (yêu cầu: không có kỷ luật "
            "từ mức %(required)s trở lên trong %(span)s)."
        )
        % {
            "level": DisciplineLevel(hit.discipline_level).label,
            "year": hit.year,
            "who": f" ({who})" if who else "",
            "required": level.label,
            "span": span,
        },
    )


def _initiative_count(history, params, year, day):
    needed, scope = int(params["min_count"]), RecognitionScope(params.get("min_scope", "unit"))
    first = year - int(params.get("years", 1)) + 1
    if params.get("kinds"):
        kinds = {RecordKind(k) for k in params["kinds"]}
    elif params.get("include_research"):
        kinds = {RecordKind.INITIATIVE, RecordKind.RESEARCH}
    else:
        kinds = {RecordKind.INITIATIVE}
    found = [
        r
        for r in history.records
        if r.kind in kinds
        and first <= r.year <= year
        and r.scope
        and RecognitionScope(r.scope).rank >= scope.rank
    ]
    what = (
        _("sáng kiến")
        if kinds == {RecordKind.INITIATIVE}
        else _("đề tài nghiên cứu")
        if kinds == {RecordKind.RESEARCH}
        else _("sáng kiến, đề tài")
    )
    text = _(
        "Có %(found)s/%(needed)s %(what)s được công nhận từ %(scope)s trở lên trong %(span)s."
    ) % {
        "found": len(found),
        "needed": needed,
        "what": what,
        "scope": scope.label.lower(),
        "span": _span(first, year),
    }
    if len(found) >= needed:
        return Outcome(RuleStatus.PASS, text)
    short = needed - len(found)
    lacking = _("thiếu %(n)s %(what)s %(scope)s trong %(span)s") % {
        "n": short,
        "what": what,
        "scope": scope.label.lower(),
        "span": _span(first, year),
    }
    return Outcome(RuleStatus.FAIL, text, lacking, short)


def _not_under_review(history, params, year, day):
    open_reviews = [
        r
        for r in history.of_kind(RecordKind.DISCIPLINE_REVIEW)
        if (r.period_start is None or r.period_start <= day)
        and (r.period_end is None or day <= r.period_end)
    ]
    if not open_reviews:
        return Outcome(RuleStatus.PASS, _("Không đang bị xem xét kỷ luật, thanh tra, xác minh."))
    review = open_reviews[0]
    since = review.period_start.strftime("%d/%m/%Y") if review.period_start else "—"
    return Outcome(
        RuleStatus.FAIL,
        _("Đang trong thời gian xem xét kỷ luật, thanh tra, xác minh (từ %(since)s): %(what)s.")
        % {"since": since, "what": review.description or "—"},
    )


def _composite(history, params, year, day, *, any_of: bool):
    outcomes = [
        EVALUATORS[RuleType(sub["type"])](history, sub.get("params", {}), year, day)
        for sub in params["rules"]
    ]
    statuses = [o.status for o in outcomes]
    if any_of:
        status = (
            RuleStatus.PASS
            if RuleStatus.PASS in statuses
            else RuleStatus.UNKNOWN
            if RuleStatus.UNKNOWN in statuses
            else RuleStatus.FAIL
        )
        joiner = _(" Hoặc: ")
        # the nearest alternatives say what is missing: "cần … hoặc thiếu …"
        open_ = [o for o in outcomes if o.status != RuleStatus.PASS and o.missing]
        shortfall = min((o.shortfall or 1 for o in open_), default=None)
        nearest = [o.missing for o in open_ if (o.shortfall or 1) == shortfall]
        missing = _(" hoặc ").join(nearest) if status != RuleStatus.PASS else ""
        shortfall = shortfall if status != RuleStatus.PASS else None
    else:
        status = (
            RuleStatus.FAIL
            if RuleStatus.FAIL in statuses
            else RuleStatus.UNKNOWN
            if RuleStatus.UNKNOWN in statuses
            else RuleStatus.PASS
        )
        joiner = " "
        open_ = [o for o in outcomes if o.status != RuleStatus.PASS]
        missing = "; ".join(o.missing for o in open_ if o.missing)
        shortfall = sum(o.shortfall or 1 for o in open_) or None
    return Outcome(status, joiner.join(o.message for o in outcomes), missing, shortfall)


EVALUATORS = {
    RuleType.CONSECUTIVE_TITLE: _consecutive_title,
    RuleType.TITLE_IN_YEAR: _title_in_year,
    RuleType.TITLE_COUNT: _title_count,
    RuleType.CONSECUTIVE_AWARDS: _consecutive_awards,
    RuleType.MIN_RATING: _min_rating,
    RuleType.MEMBER_SHARE: _member_share,
    RuleType.MEMBER_COUNT: _member_count,
    RuleType.NO_DISCIPLINE: _no_discipline,
    RuleType.INITIATIVE_COUNT: _initiative_count,
    RuleType.NOT_UNDER_REVIEW: _not_under_review,
    RuleType.ANY_OF: lambda *args: _composite(*args, any_of=True),
    RuleType.ALL_OF: lambda *args: _composite(*args, any_of=False),
}


# --- versions and the entry points ------------------------------------------------------------
def version_in_force(rule: EligibilityRule, on_date) -> RuleVersion | None:
    return next((v for v in rule.versions.all() if v.in_force_on(on_date)), None)


def versions_to_evaluate(rule: EligibilityRule, on_date, today) -> list[RuleVersion]:
    """The version in force on `on_date`, then any later version in force by `today` that
    applies to earlier dossiers when it is more favourable (a transition rule of the law)."""
    base = version_in_force(rule, on_date)
    later = [
        v
        for v in rule.versions.all()
        if v.applies_if_more_favourable and on_date < v.effective_from <= today and v is not base
    ]
    return ([base] if base else []) + later


def _evaluate_version(rule, version, history, year, today) -> Outcome:
    problems = params_problems(
        rule.rule_type, version.params, title_codes=set(history.facts.titles())
    )
    if problems:
        return Outcome(
            RuleStatus.UNKNOWN,
            _(
                "Không đánh giá được điều kiện này: tham số của phiên bản từ %(date)s không hợp lệ "
                "(%(problems)s). Hãy báo quản trị hệ thống sửa."
            )
            % {"date": version.effective_from.strftime("%d/%m/%Y"), "problems": " ".join(problems)},
        )
    try:
        return EVALUATORS[RuleType(rule.rule_type)](history, version.params, year, today)
    except (KeyError, ValueError, TypeError, ArithmeticError, AttributeError) as exc:
        # Never a crash on a dossier page: the rule says it could not be evaluated.
        return Outcome(
            RuleStatus.UNKNOWN,
            _("Không đánh giá được điều kiện này (%(error)s). Hãy báo quản trị hệ thống.")
            % {"error": exc.__class__.__name__},
        )


def evaluate_rules(
    *, rules, subject, year: int, on_date, today=None, severities=None, facts=None
) -> list[RuleResult]:
    """Evaluate `rules` (EligibilityRule, with versions prefetched if possible) for a Person or a
    Unit in the school year ending in `year`, under the version picked by `on_date` (see the
    module's docstring for the more favourable later version).

    `severities` may override a rule's own severity (a campaign attaching it as a warning).
    """
    facts = facts or Facts()
    today = today or timezone.localdate()
    history = History(subject, facts)
    results = []
    for rule in rules:
        severity = (severities or {}).get(rule.pk, rule.severity)
        versions = versions_to_evaluate(rule, on_date, max(today, on_date))
        if not versions:
            results.append(
                RuleResult(
                    rule,
                    None,
                    RuleStatus.UNKNOWN,
                    _("Điều kiện “%(rule)s” chưa có phiên bản có hiệu lực vào ngày %(date)s.")
                    % {"rule": rule.name, "date": on_date.strftime("%d/%m/%Y")},
                    severity,
                )
            )
            continue
        outcomes = [(v, _evaluate_version(rule, v, history, year, today)) for v in versions]
        # the first (the version in force on the date) wins ties: a later one only if better
        chosen_version, chosen = max(outcomes, key=lambda vo: STATUS_RANK[vo[1].status])
        alternatives = ()
        if len(outcomes) > 1:
            alternatives = tuple(
                Alternative(v, o.status, o.message, v is chosen_version) for v, o in outcomes
            )
        results.append(
            RuleResult(
                rule,
                chosen_version,
                chosen.status,
                chosen.message,
                severity,
                chosen.missing,
                chosen.shortfall,
                alternatives,
            )
        )
    return results


def evaluate_title(
    *, title, subject, year: int, on_date=None, today=None, facts=None
) -> list[RuleResult]:
    """Every rule of `title` (a Title or its code) that fits the subject (see the docstring)."""
    facts = facts or Facts()
    code = title if isinstance(title, str) else title.code
    kind = NomineeKind.COLLECTIVE if isinstance(subject, Unit) else NomineeKind.INDIVIDUAL
    today = today or timezone.localdate()
    return evaluate_rules(
        rules=facts.rules_for(code, kind),
        subject=subject,
        year=year,
        on_date=on_date or today,
        today=today,
        facts=facts,
    )


def with_severity(result: RuleResult, severity: str) -> RuleResult:
    return replace(result, severity=severity)
