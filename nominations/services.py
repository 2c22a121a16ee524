"""Every write to nominations. `transition()` is the only code that changes a dossier's state.

It locks the row, checks the transition table, the actor's role at the unit the table names, the
guards (deadline window with extensions, quota under a lock, required content, blocking
eligibility rules, council vote), then saves, appends to the timeline and announces the change
once the transaction commits.
"""

import datetime
import uuid
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.enums import CampaignStatus
from campaigns.models import Quota
from campaigns.selectors import closes_at, deadline_for
from core.audit import audit
from core.concurrency import bump_version, check_version
from core.text import clean_text
from core.validators import (
    EVIDENCE_TYPES,
    LONG_TEXT_MAX_CHARS,
    SHORT_TEXT_MAX_CHARS,
    SUMMARY_MAX_BYTES,
    evidence_kind,
    evidence_name,
    photo_file_name,
    summary_words_message,
    text_problems,
    validate_date,
    validate_photo,
)
from criteria.eligibility import evaluate_rules
from criteria.enums import NomineeKind, RecordKind, RecordSource
from criteria.models import AchievementRecord
from criteria.selectors import rules_with_versions
from units.enums import Role
from units.selectors import has_role_at

from . import notices, selectors
from .chain import ChainError, nomination_chain
from .enums import (
    EDITABLE_STATES,
    QUOTA_STATES,
    Action,
    Eligibility,
    EventKind,
    State,
    ThresholdBasis,
)
from .models import (
    Assessment,
    ChainStep,
    CommentKind,
    Consultation,
    ConsultationComment,
    CouncilSession,
    CouncilVote,
    Decision,
    Evidence,
    ModelWork,
    Nomination,
    NominationEvent,
    Review,
)
from .text import nominee_key, sanitise_summary, search_text, word_count
from .workflow import BY_ACTION, acts_as, not_allowed_message

EDITOR_ROLES = (Role.NOMINATOR, Role.APPROVER)


class TransitionError(ValidationError):
    """A transition that may not happen now; its messages say why and what to do."""


def _event(nomination, *, actor, kind, **fields):
    return NominationEvent.objects.create(nomination=nomination, actor=actor, kind=kind, **fields)


def can_edit(user, nomination) -> bool:
    return nomination.state in EDITABLE_STATES and any(
        has_role_at(user, nomination.nominating_unit, role) for role in EDITOR_ROLES
    )


# --- creating and editing the dossier ---------------------------------------------------------
@transaction.atomic
def nomination_create(
    *, actor, campaign, round_, category, title, nominating_unit, person=None, nominee_unit=None
) -> Nomination:
    if not any(has_role_at(actor, nominating_unit, role) for role in EDITOR_ROLES):
        raise PermissionDenied
    problems = []
    if campaign.status != CampaignStatus.OPEN:
        problems.append(_("Phong trào chưa mở hoặc đã kết thúc."))
    if round_.campaign_id != campaign.pk:
        problems.append(_("Đợt xét không thuộc phong trào này."))
    if category not in campaign.categories:
        problems.append(_("Phong trào không nhận đối tượng này."))
    if not campaign.titles.filter(pk=title.pk).exists() or not title.fits(category):
        problems.append(
            _("Danh hiệu “%(t)s” không được đề nghị cho đối tượng này trong phong trào.")
            % {"t": title.name}
        )
    if (person is None) == (nominee_unit is None):
        problems.append(_("Hãy chọn một cá nhân hoặc một tập thể."))
    elif (person is not None) == (category == "collective"):
        problems.append(_("Đối tượng đã chọn không khớp với cá nhân hay tập thể được đề nghị."))
    subject_unit = person.unit if person is not None else nominee_unit
    if subject_unit is not None and not subject_unit.path.startswith(nominating_unit.path):
        problems.append(_("Chỉ đề nghị được cá nhân, tập thể thuộc đơn vị mình."))
    link = campaign.criteria_links.filter(category=category).select_related("criteria_set").first()
    if link is None:
        problems.append(_("Phong trào chưa có bộ tiêu chí cho đối tượng này."))
    if problems:
        raise ValidationError(problems)
    try:
        chain = nomination_chain(
            campaign=campaign, round_=round_, title=title, nominating_unit=nominating_unit
        )
    except ChainError as exc:
        raise ValidationError(str(exc)) from exc
    nomination = Nomination.objects.create(
        campaign=campaign,
        round=round_,
        category=category,
        title=title,
        criteria_set=link.criteria_set,
        nominee_person=person,
        nominee_unit=nominee_unit,
        nominee_key=nominee_key(person=person, unit=nominee_unit),
        search_text=search_text(person=person, unit=nominee_unit, nominating_unit=nominating_unit),
        nominating_unit=nominating_unit,
        current_unit=nominating_unit,
        deciding_unit=chain[-1],
        cv=cv_from(person),
        created_by=actor,
    )
    ChainStep.objects.bulk_create(
        [ChainStep(nomination=nomination, unit=unit, position=i) for i, unit in enumerate(chain)]
    )
    Assessment.objects.bulk_create(
        [Assessment(nomination=nomination, criterion=c) for c in link.criteria_set.criteria.all()]
    )
    _event(
        nomination,
        actor=actor,
        kind=EventKind.CREATED,
        to_state=State.DRAFT,
        to_unit=nominating_unit,
        data={"chain": [u.code for u in chain]},
    )
    return nomination


def cv_from(person) -> dict:
    if person is None:
        return {}
    return {
        "full_name": person.full_name,
        "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
        "gender": person.get_gender_display() if person.gender else "",
        "ethnicity": person.ethnicity,
        "position": person.get_position_display(),
        "unit": person.unit.name,
    }


def _require_editor(actor, nomination):
    if not can_edit(actor, nomination):
        if nomination.state not in EDITABLE_STATES:
            raise ValidationError(
                _("Hồ sơ đang ở trạng thái “%(state)s”, không sửa được.")
                % {"state": nomination.get_state_display()}
            )
        raise PermissionDenied


def _require_sizes(*checks) -> None:
    """(value, label, max characters) for each text a service stores."""
    problems = [
        p
        for value, label, limit in checks
        for p in text_problems(value, label=label, max_chars=limit)
    ]
    if problems:
        raise ValidationError(problems)


def _check_text_sizes(nomination, *, summary, cv, works, assessments) -> None:
    """The same limits as the form's, for callers that skip it (imports, scripts)."""
    problems = []
    if summary is not None:
        problems += text_problems(
            summary, label=_("Tóm tắt thành tích"), max_chars=None, max_bytes=SUMMARY_MAX_BYTES
        )
        words = word_count(summary)
        if words > nomination.campaign.max_summary_words:
            problems.append(summary_words_message(words, nomination.campaign.max_summary_words))
    for key, value in (cv or {}).items():
        problems += text_problems(value, label=key, max_chars=SHORT_TEXT_MAX_CHARS)
    for work in works or []:
        for key, value in work.items():
            limit = SHORT_TEXT_MAX_CHARS if key in ("name", "implementing_unit") else None
            problems += text_problems(value, label=key, max_chars=limit or LONG_TEXT_MAX_CHARS)
    for _met, explanation in (assessments or {}).values():
        problems += text_problems(explanation, label=_("Giải trình"))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def nomination_update(
    *,
    actor,
    nomination: Nomination,
    summary=None,
    cv=None,
    video_links=None,
    photo=None,
    photo_public=None,
    works=None,
    assessments=None,
    expected_version: int | None = None,
) -> Nomination:
    """Save the dossier's content (a draft may be saved at any time, complete or not). With
    `expected_version`, a dossier changed since the form was read is left as it is."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    check_version(nomination, expected_version)
    _require_editor(actor, nomination)
    _check_text_sizes(nomination, summary=summary, cv=cv, works=works, assessments=assessments)
    changed = []
    if summary is not None:
        nomination.achievement_summary = sanitise_summary(summary)
        nomination.summary_words = word_count(nomination.achievement_summary)
        changed.append("achievement_summary")
    if cv is not None:
        # Merged: the form edits some CV lines; the name, unit and position taken from the
        # person record when the dossier was created stay.
        nomination.cv = nomination.cv | {k: clean_text(v) for k, v in cv.items()}
        changed.append("cv")
    if video_links is not None:
        nomination.video_links = [link for link in video_links if link]
        changed.append("video_links")
    if photo is not None:
        photo.name = photo_file_name(validate_photo(photo))
        nomination.photo = photo
        changed.append("photo")
    if photo_public is not None:
        nomination.photo_public = photo_public
        changed.append("photo_public")
    if works is not None:
        nomination.works.all().delete()
        ModelWork.objects.bulk_create(
            [
                ModelWork(
                    nomination=nomination,
                    order=i,
                    **{k: clean_text(v) if k == "name" else v for k, v in work.items()},
                )
                for i, work in enumerate(works)
                if work.get("name")
            ]
        )
        changed.append("works")
    if assessments is not None:
        for assessment in nomination.assessments.all():
            if assessment.criterion_id in assessments:
                met, explanation = assessments[assessment.criterion_id]
                assessment.met, assessment.explanation = met, explanation.strip()
                assessment.save(update_fields=["met", "explanation"])
        changed.append("assessments")
    bump_version(nomination)
    nomination.save()
    _event(nomination, actor=actor, kind=EventKind.EDITED, data={"fields": changed})
    refresh_eligibility(nomination)
    return nomination


@transaction.atomic
def evidence_add(*, actor, nomination: Nomination, upload, criterion=None) -> Evidence:
    _require_editor(actor, nomination)
    kind = evidence_kind(upload)
    if criterion is not None and criterion.criteria_set_id != nomination.criteria_set_id:
        raise ValidationError(_("Tiêu chí không thuộc bộ tiêu chí của hồ sơ."))
    name = evidence_name(clean_text(upload.name.replace("\\", "/").rsplit("/", 1)[-1])[:255], kind)
    upload.name = name  # the stored file takes only its extension (evidence_path)
    evidence = Evidence.objects.create(
        nomination=nomination,
        criterion=criterion,
        file=upload,
        original_name=name,
        content_type=EVIDENCE_TYPES[kind],
        size=upload.size,
        uploaded_by=actor,
    )
    _event(
        nomination,
        actor=actor,
        kind=EventKind.EVIDENCE_ADDED,
        data={"file": evidence.original_name, "criterion": criterion.pk if criterion else None},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    _require_editor(actor, evidence.nomination)
    _event(
        evidence.nomination,
        actor=actor,
        kind=EventKind.EVIDENCE_REMOVED,
        data={"file": evidence.original_name},
    )
    evidence.file.delete(save=False)
    evidence.delete()


@transaction.atomic
def received_title_add(*, actor, nomination: Nomination, **fields):
    """Add an award the nominee already received to the registry, from the dossier, when the
    registry lacks it (section III of the report prints from the registry)."""
    from criteria.services import achievement_record_create

    _require_editor(actor, nomination)
    subject = (
        {"person": nomination.nominee_person}
        if nomination.nominee_person_id
        else {"unit": nomination.nominee_unit}
    )
    record = achievement_record_create(
        actor=actor, kind=RecordKind.TITLE, source=RecordSource.MANUAL, **subject, **fields
    )
    _event(
        nomination,
        actor=actor,
        kind=EventKind.EDITED,
        data={"fields": ["received_titles"], "record": record.pk},
    )
    refresh_eligibility(nomination)
    return record


def received_titles(nomination: Nomination):
    """Section III: the titles and awards the nominee received, from the registry."""
    from criteria.selectors import history_of_person, history_of_unit

    history = (
        history_of_person(nomination.nominee_person)
        if nomination.nominee_person_id
        else history_of_unit(nomination.nominee_unit)
    )
    return history.filter(kind=RecordKind.TITLE, is_revoked=False)


def record_download(*, actor, nomination: Nomination, what: str) -> None:
    """Downloads of a dossier's files are personal data leaving the portal: they go on record."""
    _event(nomination, actor=actor, kind=EventKind.DOWNLOADED, data={"file": what})


# --- checks -----------------------------------------------------------------------------------
def content_problems(nomination: Nomination) -> list[str]:
    """What the dossier still lacks before it can be sent up."""
    problems = []
    minimum = nomination.campaign.min_summary_words
    if nomination.summary_words < minimum:
        problems.append(
            _("Bản tóm tắt thành tích có %(n)s từ; cần ít nhất %(min)s từ.")
            % {"n": nomination.summary_words, "min": minimum}
        )
    assessments = list(nomination.assessments.select_related("criterion"))
    unanswered = [a.criterion.order for a in assessments if a.met is None]
    if unanswered:
        problems.append(
            _("Chưa tự đánh giá các tiêu chí số %(list)s.")
            % {"list": ", ".join(str(n) for n in sorted(unanswered))}
        )
    covered = set(nomination.evidence.values_list("criterion_id", flat=True))
    missing = sorted(
        a.criterion.order
        for a in assessments
        if a.criterion.evidence_required and a.criterion_id not in covered
    )
    if missing:
        problems.append(
            _("Thiếu minh chứng cho tiêu chí số %(list)s.")
            % {"list": ", ".join(str(n) for n in missing)}
        )
    if not nomination.is_collective and not nomination.photo:
        problems.append(_("Thiếu ảnh 4x6 của cá nhân được đề nghị."))
    return problems


def eligibility(nomination: Nomination, *, on_date=None):
    """The title's rules and the campaign's, as in force on the date, for this nominee."""
    kind = NomineeKind.COLLECTIVE if nomination.is_collective else NomineeKind.INDIVIDUAL
    campaign_links = list(
        nomination.campaign.rule_links.filter(rule__applies_to__in=[kind, NomineeKind.BOTH])
    )
    rules = list(rules_with_versions(nomination.title.rules.all()))
    rules += list(rules_with_versions().filter(pk__in=[link.rule_id for link in campaign_links]))
    return evaluate_rules(
        rules=rules,
        subject=nomination.nominee,
        year=nomination.round.year,
        on_date=on_date or timezone.localdate(),
        severities={link.rule_id: link.severity for link in campaign_links},
    )


def eligibility_summary(results) -> str:
    """The worst result: a blocking failure, then not enough data, then a warning."""
    from criteria.enums import RuleStatus

    if any(r.blocks and r.status == RuleStatus.FAIL for r in results):
        return Eligibility.FAIL
    if any(r.status == RuleStatus.UNKNOWN for r in results):
        return Eligibility.UNKNOWN
    if any(r.status != RuleStatus.PASS for r in results):
        return Eligibility.WARN
    return Eligibility.PASS


def refresh_eligibility(nomination: Nomination, *, on_date=None) -> list:
    results = eligibility(nomination, on_date=on_date)
    summary = eligibility_summary(results)
    if nomination.eligibility != summary:
        nomination.eligibility = summary
        Nomination.objects.filter(pk=nomination.pk).update(eligibility=summary)
    return results


def duplicates_of(nomination: Nomination):
    """Other live dossiers for the same nominee in the same round."""
    return (
        Nomination.objects.filter(round=nomination.round, nominee_key=nomination.nominee_key)
        .exclude(pk=nomination.pk)
        .exclude(state=State.WITHDRAWN)
        .select_related("nominating_unit")
    )


def _steps(nomination):
    return list(nomination.steps.select_related("unit").order_by("position"))


def _deadline_in_chain(nomination, steps, position):
    """The deadline of the unit at `position`, or of the first unit above it that has one (a
    subject team has none of its own: it works to its school's)."""
    for step in steps[position:]:
        day = deadline_for(nomination.round, step.unit)
        if day is not None:
            return step.unit, day
    return steps[position].unit, None


def _window_problem(nomination, steps, position, now):
    unit, day = _deadline_in_chain(nomination, steps, position)
    if day is None:
        return [
            _("Đợt “%(r)s” không có hạn chót cho “%(u)s”.")
            % {"r": nomination.round.name, "u": unit.name}
        ]
    if timezone.localtime(now).date() < nomination.round.opens_on:
        return [
            _("Đợt “%(r)s” mở từ ngày %(d)s.")
            % {"r": nomination.round.name, "d": nomination.round.opens_on.strftime("%d/%m/%Y")}
        ]
    if now > closes_at(day):
        return [
            _(
                "Đã quá hạn chót %(d)s của “%(u)s”. Nếu cần, hãy đề nghị đơn vị chủ trì phong "
                "trào gia hạn."
            )
            % {"d": day.strftime("%d/%m/%Y"), "u": unit.name}
        ]
    return []


def quota_used(nomination_round, unit, category: str) -> int:
    """Dossiers of the round that have left `unit` upward and still count (under review higher
    up, approved or recognised), for one category or all."""
    from django.db.models import F

    used = Nomination.objects.filter(
        round=nomination_round,
        state__in=QUOTA_STATES,
        steps__unit=unit,
        position__gt=F("steps__position"),
    )
    return used.filter(category=category).count() if category else used.count()


def _quota_problem(nomination, steps):
    unit = steps[nomination.position].unit
    # Lock the quotas that apply so that concurrent senders of this unit queue up here.
    quotas = list(
        Quota.objects.select_for_update()
        .filter(
            round=nomination.round,
            level=unit.level,
            category__in=[nomination.category, ""],
            max_forward__isnull=False,
        )
        .order_by("pk")
    )
    for quota in quotas:
        used = quota_used(nomination.round, unit, quota.category)
        if used + 1 > quota.max_forward:
            return [
                _(
                    "“%(u)s” đã gửi đủ %(max)s hồ sơ %(what)s được phép trong đợt này "
                    "(chỉ tiêu). Hãy rút hoặc thay một hồ sơ đã gửi."
                )
                % {"u": unit.name, "max": quota.max_forward, "what": quota.category_label}
            ]
    return []


def council_result(nomination: Nomination) -> CouncilVote | None:
    return (
        CouncilVote.objects.filter(nomination=nomination, session__unit=nomination.deciding_unit)
        .select_related("session")
        .order_by("-session__held_on", "-pk")
        .first()
    )


def _guard(name, nomination, steps, now) -> list[str]:
    last = len(steps) - 1
    if name == "window_open":
        return _window_problem(nomination, steps, nomination.position, now)
    if name == "returner_window_open":
        return _window_problem(nomination, steps, nomination.returned_from_position, now)
    if name == "content_complete":
        return content_problems(nomination)
    if name == "eligible":
        results = refresh_eligibility(nomination, on_date=timezone.localtime(now).date())
        return [f"{r.rule.name}: {r.message}" for r in results if r.blocks]
    if name == "quota_free":
        return _quota_problem(nomination, steps)
    if name == "below_deciding":
        return (
            []
            if nomination.position < last
            else [_("Hồ sơ đã ở đơn vị quyết định; hãy duyệt hoặc không chọn.")]
        )
    if name == "at_deciding":
        return (
            []
            if nomination.position == last
            else [
                _("Chỉ đơn vị quyết định (%(u)s) mới duyệt được hồ sơ.")
                % {"u": steps[last].unit.name}
            ]
        )
    if name == "consulted":
        return consultation_problems(nomination, today=timezone.localtime(now).date())
    if name == "council_passed":
        if not nomination.campaign.requires_council_vote:
            return []
        vote = council_result(nomination)
        if vote is None:
            return [_("Phong trào yêu cầu hội đồng bỏ phiếu trước khi duyệt; chưa có kết quả.")]
        return [] if vote.passed else [_("Hồ sơ chưa đạt tỷ lệ phiếu đồng ý của hội đồng.")]
    raise KeyError(name)


# --- the transition ---------------------------------------------------------------------------
@transaction.atomic
def transition(
    *,
    actor,
    nomination: Nomination,
    action: str,
    reason: str = "",
    decision: Decision | None = None,
    expected_version: int | None = None,
    now=None,
) -> Nomination:
    now = now or timezone.now()
    rule = BY_ACTION[Action(action)]
    # Lock the row alone: with joins, PostgreSQL re-checks a row updated meanwhile against the
    # old joined rows and the waiting side would find nothing instead of the new state.
    locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if expected_version is not None and locked.version != expected_version:
        raise TransitionError(
            _(
                "Hồ sơ vừa được người khác xử lý (hiện ở trạng thái “%(state)s” "
                "tại %(unit)s). Hãy tải lại trang để xem."
            )
            % {"state": locked.get_state_display(), "unit": locked.current_unit.name}
        )
    nomination = locked
    if nomination.state not in rule.sources or not acts_as(actor, nomination, rule.actor):
        raise TransitionError(not_allowed_message(rule, nomination))
    reason = clean_text(reason)
    _require_sizes((reason, _("Lý do"), LONG_TEXT_MAX_CHARS))
    if rule.needs_reason and not reason:
        raise TransitionError(_("Hãy ghi lý do."))
    if rule.needs_decision and decision is None:
        raise TransitionError(_("Hãy nhập số, ngày và người ký quyết định."))
    steps = _steps(nomination)
    problems = [p for guard in rule.guards for p in _guard(guard, nomination, steps, now)]
    if problems:
        raise TransitionError(problems)

    from_state, from_unit = nomination.state, nomination.current_unit
    if action in (Action.SUBMIT, Action.FORWARD):
        nomination.position += 1
    elif action == Action.RETURN:
        nomination.returned_from_position, nomination.position = nomination.position, 0
    elif action == Action.RESUBMIT:
        nomination.position, nomination.returned_from_position = (
            nomination.returned_from_position,
            None,
        )
    elif action == Action.RECOGNISE:
        nomination.decision = decision
        _record_recognition(nomination, decision)
    elif action == Action.REVOKE:
        nomination.revocation = decision
        AchievementRecord.objects.filter(source_ref=f"nomination:{nomination.pk}").update(
            is_revoked=True
        )
    nomination.current_unit = steps[nomination.position].unit
    nomination.max_position = max(nomination.max_position, nomination.position)
    nomination.state = rule.target
    nomination.version += 1
    nomination.save(
        update_fields=[
            "state",
            "position",
            "max_position",
            "returned_from_position",
            "current_unit",
            "decision",
            "revocation",
            "version",
            "updated_at",
        ]
    )
    _event(
        nomination,
        actor=actor,
        kind=action,
        from_state=from_state,
        to_state=nomination.state,
        from_unit=from_unit,
        to_unit=nomination.current_unit,
        reason=reason,
        data={"decision": decision.number} if decision else {},
    )
    notices.transition_notices(nomination, action, actor=actor, reason=reason)
    if action in (Action.RECOGNISE, Action.REVOKE):
        transaction.on_commit(_honour_board_changed)
    return nomination


def _honour_board_changed():
    cache.set(selectors.HONOUR_BOARD_VERSION, uuid.uuid4().hex, timeout=None)


def _record_recognition(nomination, decision):
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


@transaction.atomic
def decide(
    *, actor, nominations, action: str, number: str, signed_on, issuer: str, reason: str = ""
) -> Decision:
    """Record one decision (award or revocation) and apply it to each dossier it lists."""
    number, issuer = clean_text(number), clean_text(issuer)
    if not number or not signed_on or not issuer:
        raise TransitionError(_("Hãy nhập số, ngày và người ký quyết định."))
    _require_sizes(
        (number, _("Số quyết định"), 64),
        (issuer, _("Người, cơ quan ký"), SHORT_TEXT_MAX_CHARS),
        (reason, _("Lý do"), LONG_TEXT_MAX_CHARS),
    )
    try:
        validate_date(signed_on, "record")
    except ValidationError as exc:
        raise TransitionError(exc.messages) from exc
    units = {n.deciding_unit_id for n in nominations}
    if len(units) != 1:
        raise TransitionError(_("Một quyết định chỉ gồm hồ sơ của cùng một đơn vị quyết định."))
    decision = Decision.objects.create(
        unit=nominations[0].deciding_unit,
        number=number,
        signed_on=signed_on,
        issuer=issuer,
        is_revocation=action == Action.REVOKE,
        reason=clean_text(reason),
        created_by=actor,
    )
    for nomination in nominations:
        transition(
            actor=actor, nomination=nomination, action=action, reason=reason, decision=decision
        )
    return decision


# --- reviews and council ----------------------------------------------------------------------
@transaction.atomic
def review_save(
    *, actor, nomination: Nomination, scores: dict, comment: str = "", comment_visible: bool = False
) -> Review:
    """Score a dossier waiting at the reviewer's unit: per criterion, within its maximum, weighted
    by the criteria set."""
    if nomination.state != State.UNDER_REVIEW or not has_role_at(
        actor, nomination.current_unit, Role.APPROVER
    ):
        raise PermissionDenied
    _require_sizes((comment, _("Nhận xét"), LONG_TEXT_MAX_CHARS))
    criteria = {c.pk: c for c in nomination.criteria_set.criteria.all()}
    total, clean = Decimal(0), {}
    for key, value in scores.items():
        criterion = criteria.get(int(key))
        if criterion is None or value is None:
            continue
        value = Decimal(str(value))
        if not 0 <= value <= criterion.max_score:
            raise ValidationError(
                _("Điểm tiêu chí số %(n)s phải từ 0 đến %(max)s.")
                % {"n": criterion.order, "max": criterion.max_score}
            )
        clean[str(criterion.pk)] = str(value)
        total += value * criterion.weight
    review, _created = Review.objects.update_or_create(
        nomination=nomination,
        unit=nomination.current_unit,
        reviewer=actor,
        defaults={
            "scores": clean,
            "total": total,
            "comment": comment.strip(),
            "comment_visible": comment_visible,
        },
    )
    totals = list(
        Review.objects.filter(nomination=nomination, unit=nomination.current_unit).values_list(
            "total", flat=True
        )
    )
    Nomination.objects.filter(pk=nomination.pk).update(
        score=sum(totals) / len(totals), version=nomination.version + 1
    )
    _event(
        nomination,
        actor=actor,
        kind=EventKind.SCORED,
        data={
            "total": str(total),
            "unit": nomination.current_unit.code,
            "visible": comment_visible,
        },
    )
    return review


def vote_passes(
    *, votes_for: int, present: int, total: int, percent, basis: str, strict: bool
) -> bool:
    base = present if basis == ThresholdBasis.PRESENT else total
    if base == 0:
        return False
    left, right = Decimal(votes_for) * 100, Decimal(str(percent)) * base
    return left > right if strict else left >= right


@transaction.atomic
def council_session_create(*, actor, unit, round_, **fields) -> CouncilSession:
    if not has_role_at(actor, unit, Role.COUNCIL_SECRETARY):
        raise PermissionDenied
    _require_sizes((fields.get("member_names"), _("Thành viên có mặt"), LONG_TEXT_MAX_CHARS))
    validate_date(fields.get("held_on"), "event")
    session = CouncilSession(unit=unit, round=round_, recorded_by=actor, **fields)
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def council_vote_record(
    *,
    actor,
    session: CouncilSession,
    nomination: Nomination,
    votes_for: int,
    votes_against: int,
    votes_abstain: int = 0,
) -> CouncilVote:
    if not has_role_at(actor, session.unit, Role.COUNCIL_SECRETARY):
        raise PermissionDenied
    if (
        nomination.deciding_unit_id != session.unit_id
        or nomination.state != State.UNDER_REVIEW
        or nomination.current_unit_id != session.unit_id
    ):
        raise ValidationError(_("Chỉ bỏ phiếu cho hồ sơ đang chờ duyệt tại đơn vị quyết định."))
    if votes_for + votes_against + votes_abstain > session.members_present:
        raise ValidationError(
            _("Tổng số phiếu (%(n)s) vượt số thành viên có mặt (%(p)s).")
            % {"n": votes_for + votes_against + votes_abstain, "p": session.members_present}
        )
    passed = vote_passes(
        votes_for=votes_for,
        present=session.members_present,
        total=session.members_total,
        percent=session.threshold_percent,
        basis=session.threshold_basis,
        strict=session.threshold_strict,
    )
    vote, _created = CouncilVote.objects.update_or_create(
        session=session,
        nomination=nomination,
        defaults={
            "votes_for": votes_for,
            "votes_against": votes_against,
            "votes_abstain": votes_abstain,
            "passed": passed,
        },
    )
    _event(
        nomination,
        actor=actor,
        kind=EventKind.VOTED,
        data={
            "for": votes_for,
            "against": votes_against,
            "abstain": votes_abstain,
            "passed": passed,
            "session": session.held_on.isoformat(),
        },
    )
    return vote


# --- public consultation ----------------------------------------------------------------------
def consultation_problems(nomination: Nomination, *, today: datetime.date) -> list[str]:
    """A campaign that requires public consultation approves a dossier only after its list has
    been public at the deciding unit for the whole period."""
    if not nomination.campaign.requires_public_consultation:
        return []
    closes = list(
        nomination.consultations.filter(unit=nomination.deciding_unit).values_list(
            "closes_on", flat=True
        )
    )
    if any(day < today for day in closes):
        return []
    if closes:
        return [
            _("Hồ sơ đang được công khai lấy ý kiến đến hết ngày %(day)s; hãy duyệt sau ngày đó.")
            % {"day": max(closes).strftime("%d/%m/%Y")}
        ]
    return [
        _(
            "Phong trào yêu cầu công khai, lấy ý kiến trước khi duyệt; hãy công khai danh sách "
            "có hồ sơ này."
        )
    ]


@transaction.atomic
def consultation_publish(
    *, actor, unit, round_, nominations, opens_on: datetime.date, days: int, note: str = ""
) -> Consultation:
    """Publish the dossiers the deciding unit intends to approve, for `days` days from
    `opens_on` (inclusive)."""
    if not has_role_at(actor, unit, Role.APPROVER):
        raise PermissionDenied
    allowed = set(selectors.consultation_candidates(round_, unit).values_list("pk", flat=True))
    chosen = [n for n in nominations if n.pk in allowed]
    if not chosen:
        raise ValidationError(_("Hãy chọn ít nhất một hồ sơ đang chờ đơn vị xét và quyết định."))
    if len(chosen) != len(nominations):
        raise ValidationError(_("Chỉ công khai được hồ sơ đang chờ đơn vị xét và quyết định."))
    if not 1 <= days <= 60:
        raise ValidationError(_("Số ngày công khai phải từ 1 đến 60."))
    _require_sizes((note, _("Thông báo kèm theo"), LONG_TEXT_MAX_CHARS))
    validate_date(opens_on, "event")
    consultation = Consultation.objects.create(
        unit=unit,
        round=round_,
        opens_on=opens_on,
        closes_on=opens_on + datetime.timedelta(days=days - 1),
        note=clean_text(note),
        published_by=actor,
    )
    consultation.nominations.set(chosen)
    period = {
        "from": opens_on.strftime("%d/%m/%Y"),
        "to": consultation.closes_on.strftime("%d/%m/%Y"),
    }
    NominationEvent.objects.bulk_create(
        NominationEvent(
            nomination=n,
            actor=actor,
            kind=EventKind.PUBLISHED,
            from_state=n.state,
            to_state=n.state,
            data={"consultation": consultation.pk, **period},
        )
        for n in chosen
    )
    audit(actor=actor, action="consultation.publish", target=consultation, count=len(chosen))
    return consultation


@transaction.atomic
def consultation_comment_add(
    *,
    consultation: Consultation,
    nomination: Nomination,
    kind: str,
    author_name: str,
    author_contact: str,
    text: str,
    sender_digest: str,
    today: datetime.date,
) -> ConsultationComment:
    """A comment from the public (no account). The anti-spam checks belong to the form; this
    checks what the data says: the period is open and the dossier is on the list."""
    if not consultation.opens_on <= today <= consultation.closes_on:
        raise ValidationError(_("Đợt lấy ý kiến này không còn nhận ý kiến."))
    if not consultation.nominations.filter(pk=nomination.pk).exists():
        raise ValidationError(_("Hồ sơ này không có trong danh sách công khai."))
    author_name, text = clean_text(author_name), (text or "").strip()
    if not author_name or not text:
        raise ValidationError(_("Hãy ghi họ tên và nội dung ý kiến."))
    _require_sizes(
        (author_name, _("Họ và tên"), 120),
        (author_contact, _("Điện thoại hoặc thư điện tử"), 120),
        (text, _("Nội dung"), LONG_TEXT_MAX_CHARS),
    )
    comment = ConsultationComment.objects.create(
        consultation=consultation,
        nomination=nomination,
        kind=CommentKind(kind),
        author_name=author_name,
        author_contact=clean_text(author_contact),
        text=text,
        sender_digest=sender_digest,
    )
    notices.comment_notices(comment)
    return comment
