"""Every write of the yearly implementation report: keyword-only, with `actor`, the same from a
view, a task or a management command. Each checks the permission again (yearly/rules.py),
writes an audit event and, inside the same transaction, the notices (an undone write leaves no
message).

Flow: the asking unit issues a `ReportCall` (year, due date) → each direct sub-unit starts its
report, writes the sections (nominators may draft) → its approver sends it: the numbers and
lists are frozen in `snapshot` and the asking unit's approvers are told → the asking unit may
return it with a reason, and the unit sends it again (a new snapshot).
"""

import re
import unicodedata

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.concurrency import bump_version, check_version
from core.text import clean_text
from core.validators import text_problems
from notifications.services import Notice, notify
from reporting.documents import place_of
from units.letterhead import governing_line
from units.models import Unit
from units.selectors import live_memberships

from . import rules as _rules  # noqa: F401  (registers the permissions checked below)
from .enums import (
    SECTION_FIELDS,
    SECTION_MAX_CHARS,
    SECTIONS,
    SENDER_ROLES,
    WRITER_ROLES,
    ReportNoticeKind,
    ReportStatus,
)
from .models import ImplementationReport, ReportCall, school_year_label
from .selectors import expected_units, is_expected, report_figures

FIRST_YEAR, LAST_YEAR = 2000, 2100
# The report's subject line under "BÁO CÁO" when the asking unit gives none (official document
# text: Vietnamese whatever the UI language).
DEFAULT_TITLE = (
    "Kết quả thực hiện công tác tuyên truyền, nhân rộng điển hình tiên tiến năm học {school_year}"
)
RETURN_REASON_MAX_CHARS = 2000  # as on the return form
TEXT_FIELDS = ("number", "signer_title", "signer_name", *SECTION_FIELDS)


class ReportError(ValidationError):
    """A write that may not happen now; its messages say why and what to do."""


def _require(actor, perm: str, obj) -> None:
    # rules.has_perm, not user.has_perm: acting for a unit needs a role there, and Django's
    # ModelBackend would let any superuser through.
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied


def clean_paragraphs(value: str) -> str:
    """Text pasted from Word: NFC, no non-breaking spaces, no trailing blanks, at most one empty
    line between paragraphs. Line breaks are kept (they print as paragraphs)."""
    text = unicodedata.normalize("NFC", value or "").replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _day(value) -> str:
    return value.strftime("%d/%m/%Y")


def _users_at(units, roles) -> list[tuple[int, int]]:
    """(unit id, user id) of the live roles at these units."""
    return list(
        live_memberships()
        .filter(unit__in=units, role__in=roles)
        .values_list("unit_id", "user_id")
        .distinct()
    )


# --- the call ---------------------------------------------------------------------------------
def _check_call_fields(
    *, year: int, due_on, today, due_changed: bool = True, instructions: str = ""
) -> list[str]:
    problems = text_problems(instructions, label=_("Hướng dẫn cho đơn vị"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            _("Năm học phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if due_on is None:
        problems.append(_("Hãy nhập hạn gửi báo cáo."))
    elif due_changed and due_on < today:
        problems.append(_("Hạn gửi đã qua; hãy chọn một ngày từ hôm nay trở đi."))
    return problems


def _period_problems(start, end) -> list[str]:
    if start and end and end < start:
        return [_("Ngày kết thúc kỳ tính số liệu phải sau ngày bắt đầu.")]
    return []


@transaction.atomic
def report_call_create(
    *,
    actor,
    unit: Unit,
    year: int,
    due_on,
    title: str = "",
    instructions: str = "",
    today=None,
    period_start=None,
    period_end=None,
) -> ReportCall:
    _require(actor, "yearly.issue_report_call", unit)
    today = today or timezone.localdate()
    problems = _check_call_fields(year=year, due_on=due_on, today=today, instructions=instructions)
    problems += _period_problems(period_start, period_end)
    if problems:
        raise ReportError(problems)
    if ReportCall.objects.filter(unit=unit, year=year).exists():
        raise ReportError(
            _(
                "%(unit)s đã yêu cầu báo cáo năm học %(year)s; hãy sửa yêu cầu đó thay vì tạo "
                "yêu cầu mới."
            )
            % {"unit": unit.name, "year": school_year_label(year)}
        )
    call = ReportCall(
        unit=unit,
        year=year,
        due_on=due_on,
        title=clean_text(title)[:255] or DEFAULT_TITLE.format(school_year=school_year_label(year)),
        instructions=clean_paragraphs(instructions),
        created_by=actor,
        period_start=period_start,
        period_end=period_end,
    )
    if not expected_units(call).exists():
        raise ReportError(
            _("%(unit)s không có đơn vị trực thuộc nào phải báo cáo.") % {"unit": unit.name}
        )
    call.save()
    audit(actor=actor, action="report_call.create", target=call, year=year, due_on=_iso(due_on))
    _call_notices(call, actor=actor, key=f"report-call:{call.pk}:")
    return call


@transaction.atomic
def report_call_update(
    *,
    actor,
    call: ReportCall,
    due_on,
    title: str = "",
    instructions: str = "",
    today=None,
    period_start=None,
    period_end=None,
) -> ReportCall:
    _require(actor, "yearly.change_report_call", call)
    today = today or timezone.localdate()
    call = ReportCall.objects.select_for_update().get(pk=call.pk)
    due_changed = due_on != call.due_on
    problems = _check_call_fields(
        year=call.year,
        due_on=due_on,
        today=today,
        due_changed=due_changed,
        instructions=instructions,
    )
    problems += _period_problems(period_start, period_end)
    if problems:
        raise ReportError(problems)
    before = {"title": call.title, "due_on": _iso(call.due_on), "instructions": call.instructions}
    call.title = clean_text(title)[:255] or call.title
    call.due_on = due_on
    call.instructions = clean_paragraphs(instructions)
    call.period_start, call.period_end = period_start, period_end
    call.save(
        update_fields=[
            "title",
            "due_on",
            "instructions",
            "period_start",
            "period_end",
            "updated_at",
        ]
    )
    after = {"title": call.title, "due_on": _iso(call.due_on), "instructions": call.instructions}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        audit(actor=actor, action="report_call.update", target=call, changed=changed)
    if due_changed:
        # A key per change (date and moment): the sub-units hear of each change once, also of a
        # date moved back to an earlier one.
        stamp = int(call.updated_at.timestamp())
        _call_notices(call, actor=actor, key=f"report-call:{call.pk}:due{_iso(due_on)}@{stamp}:")
    return call


def _call_notices(call: ReportCall, *, actor, key: str) -> None:
    """Tell the writers of every sub-unit that must report what is asked and by when."""
    with translation.override("vi"):
        subject = _("Yêu cầu báo cáo kết quả thực hiện năm học %(year)s") % {
            "year": call.school_year
        }
        body = _("%(unit)s yêu cầu gửi “%(title)s” trước hết ngày %(due)s qua cổng thông tin.") % {
            "unit": call.unit.name,
            "title": call.title,
            "due": _day(call.due_on),
        }
    url = reverse("yearly:index")
    notify(
        [
            Notice(
                key=f"{key}{user_id}",
                recipient_id=user_id,
                kind=ReportNoticeKind.DUE,
                subject=subject,
                body=body,
                url=url,
            )
            for _unit_id, user_id in _users_at(expected_units(call), WRITER_ROLES)
            if user_id != actor.pk
        ],
        scope=key,
    )


# --- the report -------------------------------------------------------------------------------
@transaction.atomic
def report_start(*, actor, call: ReportCall, unit: Unit) -> ImplementationReport:
    """The unit's report for the call (created as a draft the first time)."""
    _require(actor, "yearly.start_report", unit)
    if not is_expected(call, unit):
        raise ReportError(
            _("%(unit)s không thuộc các đơn vị %(issuer)s yêu cầu báo cáo.")
            % {"unit": unit.name, "issuer": call.unit.name}
        )
    existing = ImplementationReport.objects.filter(unit=unit, year=call.year).first()
    if existing is not None:
        if existing.call_id != call.pk:
            raise ReportError(
                _("%(unit)s đã có báo cáo năm học %(year)s theo yêu cầu của %(issuer)s.")
                % {
                    "unit": unit.name,
                    "year": call.school_year,
                    "issuer": existing.call.unit.name,
                }
            )
        return existing
    try:
        with transaction.atomic():  # two writers pressing "start" together get the same report
            report = ImplementationReport.objects.create(
                call=call, unit=unit, year=call.year, created_by=actor
            )
    except IntegrityError:
        return ImplementationReport.objects.get(unit=unit, year=call.year)
    audit(actor=actor, action="report.create", target=report, call=call.pk)
    return report


def _locked(report: ImplementationReport) -> ImplementationReport:
    # The row alone: with joins PostgreSQL would re-check an updated row against old join rows.
    return ImplementationReport.objects.select_for_update().get(pk=report.pk)


def _stale(report, expected_version) -> None:
    if expected_version is not None and report.version != expected_version:
        raise ReportError(
            _(
                "Báo cáo vừa được người khác sửa hoặc gửi (hiện: “%(status)s”). Hãy tải lại "
                "trang, xem bản mới rồi sửa tiếp."
            )
            % {"status": report.get_status_display()}
        )


@transaction.atomic
def report_update(
    *, actor, report: ImplementationReport, expected_version: int | None = None, **fields
) -> ImplementationReport:
    """Save the text of a draft (or returned) report: sections, number, signer."""
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    report = _locked(report)
    check_version(report, expected_version)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ReportError(_("Báo cáo đã gửi không sửa được nữa; chỉ đơn vị nhận mới trả lại được."))
    _require(actor, "yearly.change_report", report)
    problems, changed = [], []
    for name, value in fields.items():
        value = clean_paragraphs(value) if name in SECTION_FIELDS else clean_text(value)
        limit = (
            SECTION_MAX_CHARS if name in SECTION_FIELDS else report._meta.get_field(name).max_length
        )
        if len(value) > limit:
            problems.append(
                _("Phần “%(field)s” dài quá %(limit)s ký tự; hãy rút gọn.")
                % {"field": report._meta.get_field(name).verbose_name, "limit": limit}
            )
        if value != getattr(report, name):
            setattr(report, name, value)
            changed.append(name)
    if problems:
        raise ReportError(problems)
    if changed:
        bump_version(report)
        report.save(update_fields=[*changed, "version", "updated_at"])
        audit(actor=actor, action="report.update", target=report, fields=changed)
    return report


def missing_sections(report: ImplementationReport) -> list[str]:
    """What sending still needs, as sentences that say what to do."""
    return [
        _("Hãy viết phần “%(section)s” trước khi gửi.") % {"section": label}
        for name, label, required in SECTIONS
        if required and not getattr(report, name).strip()
    ]


def build_snapshot(report: ImplementationReport, *, parent: Unit, now) -> dict:
    """Everything the printed report shows, frozen: header, text and the computed figures."""
    return {
        "schema": 1,
        "sent_at": now.isoformat(),
        "issuer": report.unit.name,
        "issuer_code": report.unit.code,
        "issuer_parent": parent.name,
        "governing": governing_line(report.unit, timezone.localdate(now)),
        "place": place_of(report.unit),
        "number": report.number,
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
        "sections": {name: getattr(report, name) for name in SECTION_FIELDS},
        "figures": report_figures(report.unit, report.year, report.call.period),
    }


@transaction.atomic
def report_send(
    *, actor, report: ImplementationReport, expected_version: int | None = None, now=None
) -> ImplementationReport:
    now = now or timezone.now()
    report = _locked(report)
    if report.status == ReportStatus.SENT:
        raise ReportError(
            _("Báo cáo đã được gửi lúc %(when)s; không cần gửi lại.")
            % {"when": timezone.localtime(report.sent_at).strftime("%H:%M %d/%m/%Y")}
        )
    _stale(report, expected_version)
    _require(actor, "yearly.send_report", report)
    call = report.call
    parent = Unit.objects.get_parent(report.unit)
    if parent is None or parent.pk != call.unit_id:
        raise ReportError(
            _(
                "%(unit)s nay không còn trực thuộc %(issuer)s, đơn vị đã yêu cầu báo cáo này. "
                "Hãy liên hệ quản trị hệ thống."
            )
            % {"unit": report.unit.name, "issuer": call.unit.name}
        )
    problems = missing_sections(report)
    if problems:
        raise ReportError(problems)
    report.snapshot = build_snapshot(report, parent=parent, now=now)
    report.status = ReportStatus.SENT
    report.sent_at, report.sent_by, report.sent_to = now, actor, parent
    report.first_sent_at = report.first_sent_at or now
    report.send_count += 1
    report.version += 1
    report.save(
        update_fields=[
            "snapshot",
            "status",
            "sent_at",
            "sent_by",
            "sent_to",
            "first_sent_at",
            "send_count",
            "version",
            "updated_at",
        ]
    )
    late = timezone.localdate(report.first_sent_at) > call.due_on
    audit(
        actor=actor,
        action="report.send",
        target=report,
        to=parent.pk,
        time=report.send_count,
        late=late,
        totals=report.snapshot["figures"]["totals"],
    )
    _sent_notice(report, actor=actor)
    return report


def _sent_notice(report: ImplementationReport, *, actor) -> None:
    with translation.override("vi"):
        facts = {"unit": report.unit.name, "year": report.school_year}
        subject = _("Báo cáo năm học %(year)s của %(unit)s") % facts
        body = _("%(unit)s đã gửi báo cáo kết quả thực hiện năm học %(year)s.") % facts
        if report.send_count > 1:
            body = _("%(unit)s đã gửi lại báo cáo kết quả thực hiện năm học %(year)s.") % facts
    url = reverse("yearly:report", args=[report.pk])
    key = f"report:{report.pk}:sent{report.send_count}:"
    notify(
        [
            Notice(
                key=f"{key}{user_id}",
                recipient_id=user_id,
                kind=ReportNoticeKind.SENT,
                subject=subject,
                body=body,
                url=url,
            )
            for _unit_id, user_id in _users_at([report.sent_to], SENDER_ROLES)
            if user_id != actor.pk
        ]
    )


@transaction.atomic
def report_return(
    *, actor, report: ImplementationReport, reason: str, now=None
) -> ImplementationReport:
    """The receiving unit sends a report back for correction; the unit edits and sends again."""
    now = now or timezone.now()
    report = _locked(report)
    if report.status != ReportStatus.SENT:
        raise ReportError(_("Chỉ trả lại được báo cáo đang ở trạng thái đã gửi."))
    _require(actor, "yearly.return_report", report)
    reason = clean_paragraphs(reason)
    if not reason:
        raise ReportError(_("Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."))
    problems = text_problems(reason, label=_("Lý do trả lại"), max_chars=RETURN_REASON_MAX_CHARS)
    if problems:
        raise ReportError(problems)
    report.status = ReportStatus.RETURNED
    report.returned_at, report.returned_by, report.return_reason = now, actor, reason
    report.version += 1
    report.save(
        update_fields=[
            "status",
            "returned_at",
            "returned_by",
            "return_reason",
            "version",
            "updated_at",
        ]
    )
    audit(actor=actor, action="report.return", target=report, reason=reason)
    with translation.override("vi"):
        facts = {"year": report.school_year, "reason": reason}
        subject = _("Báo cáo năm học %(year)s bị trả lại") % facts
        body = _("Báo cáo được trả lại để bổ sung. Lý do: %(reason)s") % facts
    key = f"report:{report.pk}:returned{report.send_count}:"
    notify(
        [
            Notice(
                key=f"{key}{user_id}",
                recipient_id=user_id,
                kind=ReportNoticeKind.RETURNED,
                subject=subject,
                body=body,
                url=reverse("yearly:report", args=[report.pk]),
            )
            for _unit_id, user_id in _users_at([report.unit], WRITER_ROLES)
            if user_id != actor.pk
        ]
    )
    return report


# --- the year-end review: draft dossiers for the eligible ---------------------------------------
def review_drafts_create(*, actor, unit, year: int, round_, picks) -> tuple[list, list[str]]:
    """Draft dossiers in `round_` for the picked (person or None for the unit, title code) of
    the year-end review of `unit`, through the nominations service (which checks the actor's
    rights, the campaign's categories and titles, and builds the chain). Only what the review
    finds eligible is created; a nominee who already has a dossier for the title in the round is
    skipped. Each dossier is its own transaction: one refused pick does not undo the others.
    Returns (created dossiers, problems in Vietnamese)."""
    from criteria.models import Title
    from nominations.enums import State
    from nominations.importers import CATEGORY_OF_POSITION
    from nominations.keys import nominee_key
    from nominations.models import Nomination
    from nominations.services import nomination_create

    from .review import unit_review

    if not actor.has_perm("yearly.review_unit", unit):
        raise PermissionDenied
    eligible = {
        (person.pk if person else None, code): person
        for person, code in unit_review(unit, year).eligible()
    }
    wanted = [pick for pick in picks if pick in eligible]
    titles = {t.code: t for t in Title.objects.filter(code__in={code for _p, code in wanted})}
    existing = set(
        Nomination.objects.filter(round=round_, title__code__in=titles)
        .exclude(state=State.WITHDRAWN)
        .values_list("nominee_key", "title__code")
    )
    created, problems = [], []
    for person_id, code in wanted:
        person = eligible[(person_id, code)]
        key = nominee_key(person=person, unit=None if person else unit)
        name = person.full_name if person else unit.name
        if (key, code) in existing:
            problems.append(
                _("%(name)s đã có hồ sơ %(title)s trong đợt này.")
                % {"name": name, "title": titles[code]}
            )
            continue
        category = CATEGORY_OF_POSITION.get(person.position, "staff") if person else "collective"
        try:
            with transaction.atomic():
                created.append(
                    nomination_create(
                        actor=actor,
                        campaign=round_.campaign,
                        round_=round_,
                        category=category,
                        title=titles[code],
                        nominating_unit=unit,
                        person=person,
                        nominee_unit=None if person else unit,
                    )
                )
        except ValidationError as exc:
            problems.append(f"{name} — {titles[code]}: {' '.join(exc.messages)}")
    audit(
        actor=actor,
        action="yearly.review_drafts",
        target=unit,
        year=year,
        round=round_.pk,
        count=len(created),
    )
    return created, problems
