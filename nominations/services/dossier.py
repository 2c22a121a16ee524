"""Creating and editing a dossier: content, evidence, received titles, downloads on record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.chain import ChainError, nomination_chain
from campaigns.enums import CampaignStatus
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
    validate_photo,
)
from criteria.enums import RecordKind, RecordSource
from criteria.services import achievement_record_create

from .. import selectors
from ..enums import EventKind, State
from ..keys import nominee_key, search_text
from ..models import Assessment, ChainStep, Evidence, ModelWork, Nomination, NominationEvent
from ..rules import edits_for_unit
from ..summary import sanitise_summary, word_count
from ..workflow import EDITING
from .base import event


def can_edit(user, nomination) -> bool:
    return EDITING.permission.test(user, nomination)


@transaction.atomic
def nomination_create(
    *, actor, campaign, round_, category, title, nominating_unit, person=None, nominee_unit=None
) -> Nomination:
    if not edits_for_unit.test(actor, nominating_unit):
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
    event(
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
        if nomination.state not in EDITING.states:
            raise ValidationError(
                _("Hồ sơ đang ở trạng thái “%(state)s”, không sửa được.")
                % {"state": nomination.get_state_display()}
            )
        raise PermissionDenied


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
    ground=None,
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
    if ground is not None:
        nomination.ground = clean_text(ground)
        changed.append("ground")
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
    event(nomination, actor=actor, kind=EventKind.EDITED, data={"fields": changed})
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
    event(
        nomination,
        actor=actor,
        kind=EventKind.EVIDENCE_ADDED,
        data={"file": evidence.original_name, "criterion": criterion.pk if criterion else None},
    )
    return evidence


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    _require_editor(actor, evidence.nomination)
    event(
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
    _require_editor(actor, nomination)
    subject = (
        {"person": nomination.nominee_person}
        if nomination.nominee_person_id
        else {"unit": nomination.nominee_unit}
    )
    record = achievement_record_create(
        actor=actor, kind=RecordKind.TITLE, source=RecordSource.MANUAL, **subject, **fields
    )
    event(
        nomination,
        actor=actor,
        kind=EventKind.EDITED,
        data={"fields": ["received_titles"], "record": record.pk},
    )
    refresh_eligibility(nomination)
    return record


def record_download(*, actor, nomination: Nomination, what: str) -> None:
    """Downloads of a dossier's files are personal data leaving the portal: they go on record."""
    event(nomination, actor=actor, kind=EventKind.DOWNLOADED, data={"file": what})


def record_bundled(*, actor, nominations, bundle_id: int) -> None:
    """Dossiers copied into a ZIP bundle: one timeline entry each, in one insert."""
    NominationEvent.objects.bulk_create(
        [
            NominationEvent(
                nomination=n, actor=actor, kind=EventKind.EXPORTED, data={"bundle": bundle_id}
            )
            for n in nominations
        ]
    )


def refresh_eligibility(nomination: Nomination, *, on_date=None) -> list:
    results = selectors.eligibility(nomination, on_date=on_date)
    summary = selectors.eligibility_summary(results)
    if nomination.eligibility != summary:
        nomination.eligibility = summary
        Nomination.objects.filter(pk=nomination.pk).update(eligibility=summary)
    return results
