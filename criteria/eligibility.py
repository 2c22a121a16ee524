"""Evaluating eligibility rules against the achievement registry.

`evaluate_rules()` answers, per rule, pass / fail / not enough data with a Vietnamese sentence
that says why ("Có 2/3 năm liên tục đạt CSTĐCS (2023, 2024); còn thiếu năm 2022."). The rule
version in force on `on_date` is used. A collective's history includes the history of the units
merged into it (followed through `merged_into`), and its members are the active staff of its
subtree. Shares are compared in exact arithmetic: 69.9% never rounds up to 70%.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from units.enums import Position
from units.models import Person, Unit

from .enums import DisciplineLevel, Rating, RecognitionScope, RecordKind, RuleStatus, RuleType
from .models import AchievementRecord, EligibilityRule, RuleVersion

NON_STAFF_POSITIONS = (Position.PUPIL, Position.STUDENT)


@dataclass(frozen=True)
class RuleResult:
    rule: EligibilityRule
    version: RuleVersion | None
    status: str
    message: str
    severity: str

    @property
    def blocks(self) -> bool:
        from .enums import Severity

        return self.severity == Severity.BLOCK and self.status != RuleStatus.PASS


def _years(years) -> str:
    return ", ".join(str(y) for y in sorted(years))


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _percent(value: Decimal) -> str:
    """70 -> "70", 69.9 -> "69,9" (in Vietnamese): one decimal only where there is one."""
    value = Decimal(value).quantize(Decimal("0.1"))
    return formats.number_format(value, 0 if value == value.to_integral_value() else 1)


def history_unit_ids(unit: Unit) -> list[int]:
    """The unit and every unit merged into it, directly or through earlier merges."""
    ids, frontier = [unit.pk], [unit.pk]
    while frontier:
        frontier = list(
            Unit.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [pk for pk in frontier if pk not in ids]
        ids.extend(frontier)
    return ids


class History:
    """The registry facts one evaluation needs, loaded once per subject."""

    def __init__(self, subject):
        self.subject = subject
        self.is_collective = isinstance(subject, Unit)
        if self.is_collective:
            records = AchievementRecord.objects.filter(unit_id__in=history_unit_ids(subject))
        else:
            records = AchievementRecord.objects.filter(person=subject)
        records = records.filter(is_revoked=False)  # a revoked award counts for nothing
        self.records = list(records.select_related("title"))
        self._members = None

    def of_kind(self, kind, records=None):
        return [r for r in (self.records if records is None else records) if r.kind == kind]

    def title_years(self, code, records=None) -> set[int]:
        return {r.year for r in self.of_kind(RecordKind.TITLE, records) if r.title.code == code}

    def known_years(self, records=None) -> set[int]:
        return {r.year for r in (self.records if records is None else records)}

    # --- members of a collective ----------------------------------------------------------
    def members(self) -> tuple[int, dict[int, list[AchievementRecord]]]:
        """Number of active staff in the unit's subtree, and their records by person."""
        if self._members is None:
            people = Person.objects.filter(
                unit__path__startswith=self.subject.path, is_active=True
            ).exclude(position__in=NON_STAFF_POSITIONS)
            by_person = defaultdict(list)
            for record in AchievementRecord.objects.filter(
                person__in=people, is_revoked=False
            ).select_related("title"):
                by_person[record.person_id].append(record)
            self._members = (people.count(), by_person)
        return self._members


def share_meets(achieved: int, total: int, min_percent, *, strict: bool) -> bool:
    """Exact: achieved/total compared with min_percent without any rounding."""
    left, right = Decimal(achieved) * 100, Decimal(str(min_percent)) * total
    return left > right if strict else left >= right


def _title_name(code):
    from .models import Title

    title = Title.objects.filter(code=code).first()
    return (title.short_name or title.name) if title else code


def _consecutive_title(history, params, year, on_date):
    code, count = params["title"], int(params["years"])
    last = year - int(params.get("until_offset", 0))
    window = list(range(last - count + 1, last + 1))
    held = history.title_years(code) & set(window)
    missing = [y for y in window if y not in held]
    name = _title_name(code)
    if not missing:
        return RuleStatus.PASS, _("Đạt %(title)s %(n)s/%(n)s năm liên tục (%(years)s).") % {
            "title": name,
            "n": count,
            "years": _years(window),
        }
    base = _("Có %(held)s/%(n)s năm liên tục đạt %(title)s%(years)s") % {
        "held": len(held),
        "n": count,
        "title": name,
        "years": f" ({_years(held)})" if held else "",
    }
    unknown = [y for y in missing if y not in history.known_years()]
    if unknown:
        return RuleStatus.UNKNOWN, base + _("; chưa có dữ liệu năm %(years)s.") % {
            "years": _years(unknown)
        }
    return RuleStatus.FAIL, base + _("; còn thiếu năm %(years)s.") % {"years": _years(missing)}


def _title_in_year(history, params, year, on_date):
    code, target = params["title"], year - int(params.get("year_offset", 0))
    name = _title_name(code)
    if target in history.title_years(code):
        return RuleStatus.PASS, _("Đã đạt %(title)s năm %(year)s.") % {
            "title": name,
            "year": target,
        }
    if target not in history.known_years():
        return RuleStatus.UNKNOWN, _("Chưa có dữ liệu năm %(year)s để xác định %(title)s.") % {
            "year": target,
            "title": name,
        }
    return RuleStatus.FAIL, _("Chưa đạt %(title)s năm %(year)s.") % {"title": name, "year": target}


def _title_count(history, params, year, on_date):
    code, needed = params["title"], int(params["min_count"])
    first = int(params.get("from_year") or year - int(params["years"]) + 1)
    last = int(params.get("to_year") or year)
    held = {y for y in history.title_years(code) if first <= y <= last}
    name = _title_name(code)
    text = _("Đạt %(title)s %(held)s/%(needed)s năm trong giai đoạn %(span)s%(years)s") % {
        "title": name,
        "held": len(held),
        "needed": needed,
        "span": _span(first, last),
        "years": f" ({_years(held)})" if held else "",
    }
    if len(held) >= needed:
        return RuleStatus.PASS, text + "."
    unknown = [y for y in range(first, last + 1) if y not in history.known_years()]
    if len(held) + len(unknown) >= needed and unknown:
        return RuleStatus.UNKNOWN, text + _("; chưa có dữ liệu năm %(years)s.") % {
            "years": _years(unknown)
        }
    return RuleStatus.FAIL, text + "."


def _min_rating(history, params, year, on_date):
    """The rating of the year (or of each of the last `years` years) is at least `rating`."""
    required = Rating(params["rating"])
    last = year - int(params.get("year_offset", 0))
    window = range(last - int(params.get("years", 1)) + 1, last + 1)
    ratings = {r.year: Rating(r.rating) for r in history.of_kind(RecordKind.RATING)}
    missing = [y for y in window if y not in ratings]
    below = [y for y in window if y in ratings and ratings[y].rank < required.rank]
    got = "; ".join(f"{y}: {ratings[y].label}" for y in window if y in ratings)
    text = _("Xếp loại %(got)s (yêu cầu: từ “%(required)s” trở lên, %(span)s).") % {
        "got": got or "—",
        "required": required.label,
        "span": _span(window[0], window[-1]),
    }
    if below:
        return RuleStatus.FAIL, text
    if missing:
        return RuleStatus.UNKNOWN, _("Chưa có xếp loại năm %(years)s.") % {"years": _years(missing)}
    return RuleStatus.PASS, text


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


def _members_required(history):
    if not history.is_collective:
        return RuleStatus.UNKNOWN, _("Điều kiện này chỉ áp dụng cho tập thể.")
    total, _by_person = history.members()
    if total == 0:
        return RuleStatus.UNKNOWN, _("Tập thể chưa có danh sách thành viên trên hệ thống.")
    return None


def _what(params):
    if params.get("title"):
        return _title_name(params["title"])
    return _("xếp loại từ “%(rating)s” trở lên") % {"rating": Rating(params["rating"]).label}


def _member_share(history, params, year, on_date):
    if problem := _members_required(history):
        return problem
    target = year - int(params.get("year_offset", 0))
    total, by_person = history.members()
    if not any(r.year == target for records in by_person.values() for r in records):
        return RuleStatus.UNKNOWN, _("Chưa có dữ liệu năm %(year)s của các thành viên.") % {
            "year": target
        }
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
        "what": _what(params),
        "year": target,
        "comparison": _("trên") if strict else _("từ"),
        "minimum": _percent(Decimal(str(minimum))),
    }
    return (RuleStatus.PASS if ok else RuleStatus.FAIL), text


def _member_count(history, params, year, on_date):
    if problem := _members_required(history):
        return problem
    target = year - int(params.get("year_offset", 0))
    _total, by_person = history.members()
    achieved = sum(_member_achieves(records, params, target) for records in by_person.values())
    needed = int(params["min_count"])
    text = _(
        "Có %(achieved)s thành viên đạt %(what)s năm %(year)s; yêu cầu ít nhất %(needed)s."
    ) % {"achieved": achieved, "what": _what(params), "year": target, "needed": needed}
    if achieved >= needed:
        return RuleStatus.PASS, text
    if not any(r.year == target for records in by_person.values() for r in records):
        return RuleStatus.UNKNOWN, _("Chưa có dữ liệu năm %(year)s của các thành viên.") % {
            "year": target
        }
    return RuleStatus.FAIL, text


def _no_discipline(history, params, year, on_date):
    level = DisciplineLevel(params["level"])
    first = year - int(params.get("years", 1)) + 1
    records = list(history.records)
    if history.is_collective and params.get("members", True):
        records += [r for rs in history.members()[1].values() for r in rs]
    hits = [
        r
        for r in records
        if r.kind == RecordKind.DISCIPLINE
        and first <= r.year <= year
        and DisciplineLevel(r.discipline_level).rank >= level.rank
    ]
    span = _span(first, year)
    if not hits:
        return RuleStatus.PASS, _("Không có kỷ luật từ mức %(level)s trở lên trong %(span)s.") % {
            "level": level.label,
            "span": span,
        }
    hit = sorted(hits, key=lambda r: r.year)[-1]
    who = hit.person.full_name if history.is_collective and hit.person_id else ""
    return RuleStatus.FAIL, _(
        "Có kỷ luật %(level)s năm %(year)s%(who)s (yêu cầu: không có kỷ luật "
        "từ mức %(required)s trở lên trong %(span)s)."
    ) % {
        "level": DisciplineLevel(hit.discipline_level).label,
        "year": hit.year,
        "who": f" ({who})" if who else "",
        "required": level.label,
        "span": span,
    }


def _initiative_count(history, params, year, on_date):
    needed, scope = int(params["min_count"]), RecognitionScope(params.get("min_scope", "unit"))
    first = year - int(params.get("years", 1)) + 1
    kinds = (
        {RecordKind.INITIATIVE, RecordKind.RESEARCH}
        if params.get("include_research")
        else {RecordKind.INITIATIVE}
    )
    found = [
        r
        for r in history.records
        if r.kind in kinds
        and first <= r.year <= year
        and r.scope
        and RecognitionScope(r.scope).rank >= scope.rank
    ]
    text = _(
        "Có %(found)s/%(needed)s sáng kiến, đề tài được công nhận từ %(scope)s trở lên trong "
        "%(span)s."
    ) % {
        "found": len(found),
        "needed": needed,
        "scope": scope.label.lower(),
        "span": _span(first, year),
    }
    return (RuleStatus.PASS if len(found) >= needed else RuleStatus.FAIL), text


def _not_under_review(history, params, year, on_date):
    open_reviews = [
        r
        for r in history.of_kind(RecordKind.DISCIPLINE_REVIEW)
        if (r.period_start is None or r.period_start <= on_date)
        and (r.period_end is None or on_date <= r.period_end)
    ]
    if not open_reviews:
        return RuleStatus.PASS, _("Không đang bị xem xét kỷ luật, thanh tra, xác minh.")
    review = open_reviews[0]
    since = review.period_start.strftime("%d/%m/%Y") if review.period_start else "—"
    return RuleStatus.FAIL, _(
        "Đang trong thời gian xem xét kỷ luật, thanh tra, xác minh (từ %(since)s): %(what)s."
    ) % {"since": since, "what": review.description or "—"}


def _composite(history, params, year, on_date, *, any_of: bool):
    outcomes = [
        EVALUATORS[RuleType(sub["type"])](history, sub.get("params", {}), year, on_date)
        for sub in params["rules"]
    ]
    statuses = [status for status, _message in outcomes]
    if any_of:
        status = (
            RuleStatus.PASS
            if RuleStatus.PASS in statuses
            else RuleStatus.UNKNOWN
            if RuleStatus.UNKNOWN in statuses
            else RuleStatus.FAIL
        )
        joiner = _(" Hoặc: ")
    else:
        status = (
            RuleStatus.FAIL
            if RuleStatus.FAIL in statuses
            else RuleStatus.UNKNOWN
            if RuleStatus.UNKNOWN in statuses
            else RuleStatus.PASS
        )
        joiner = " "
    return status, joiner.join(message for _status, message in outcomes)


EVALUATORS = {
    RuleType.CONSECUTIVE_TITLE: _consecutive_title,
    RuleType.TITLE_IN_YEAR: _title_in_year,
    RuleType.TITLE_COUNT: _title_count,
    RuleType.MIN_RATING: _min_rating,
    RuleType.MEMBER_SHARE: _member_share,
    RuleType.MEMBER_COUNT: _member_count,
    RuleType.NO_DISCIPLINE: _no_discipline,
    RuleType.INITIATIVE_COUNT: _initiative_count,
    RuleType.NOT_UNDER_REVIEW: _not_under_review,
    RuleType.ANY_OF: lambda *args: _composite(*args, any_of=True),
    RuleType.ALL_OF: lambda *args: _composite(*args, any_of=False),
}


def version_in_force(rule: EligibilityRule, on_date) -> RuleVersion | None:
    return next((v for v in rule.versions.all() if v.in_force_on(on_date)), None)


def evaluate_rules(*, rules, subject, year: int, on_date, severities=None) -> list[RuleResult]:
    """Evaluate `rules` (EligibilityRule, with versions prefetched if possible) for a Person or a
    Unit in the school year ending in `year`, as the law stood on `on_date`.

    `severities` may override a rule's own severity (a campaign attaching it as a warning).
    """
    history = History(subject)
    results = []
    for rule in rules:
        severity = (severities or {}).get(rule.pk, rule.severity)
        version = version_in_force(rule, on_date)
        if version is None:
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
        status, message = EVALUATORS[rule.rule_type](history, version.params, year, on_date)
        results.append(RuleResult(rule, version, status, message, severity))
    return results
