"""Public consultation: the deciding unit publishes the dossiers it intends to approve and the
public comments on them."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.enums import DayCount
from campaigns.workdays import days_between, describe_days, window_end
from core.audit import audit
from core.text import clean_text
from core.validators import LONG_TEXT_MAX_CHARS, validate_date

from .. import notices, selectors
from ..enums import EventKind
from ..models import CommentKind, Consultation, ConsultationComment, Nomination, NominationEvent
from ..rules import approves_for_unit
from .base import require_sizes


@transaction.atomic
def consultation_publish(
    *,
    actor,
    unit,
    round_,
    nominations,
    opens_on: datetime.date,
    days: int,
    day_count: str | None = None,
    note: str = "",
) -> Consultation:
    """Publish the dossiers the deciding unit intends to approve, for `days` days from
    `opens_on` (inclusive), counted as `day_count` (working or calendar days; the campaign's
    choice by default). A list with a state-level title must stay open at least
    `CONSULTATION_STATE_MIN_WORKING_DAYS` working days whatever the count."""
    day_count = DayCount(day_count or round_.campaign.consultation_day_count)
    if not approves_for_unit.test(actor, unit):
        raise PermissionDenied
    allowed = set(selectors.consultation_candidates(round_, unit).values_list("pk", flat=True))
    chosen = [n for n in nominations if n.pk in allowed]
    if not chosen:
        raise ValidationError(_("Hãy chọn ít nhất một hồ sơ đang chờ đơn vị xét và quyết định."))
    if len(chosen) != len(nominations):
        raise ValidationError(_("Chỉ công khai được hồ sơ đang chờ đơn vị xét và quyết định."))
    if not 1 <= days <= 60:
        raise ValidationError(_("Số ngày công khai phải từ 1 đến 60."))
    require_sizes((note, _("Thông báo kèm theo"), LONG_TEXT_MAX_CHARS))
    validate_date(opens_on, "event")
    closes_on = window_end(opens_on, days, day_count)
    state_titles = set(settings.CONSULTATION_STATE_TITLES)
    minimum = settings.CONSULTATION_STATE_MIN_WORKING_DAYS
    has_state_title = Nomination.objects.filter(
        pk__in=[n.pk for n in chosen], title__code__in=state_titles
    ).exists()
    if has_state_title and (
        days_between(opens_on - datetime.timedelta(days=1), closes_on, DayCount.WORKING) < minimum
    ):
        raise ValidationError(
            _(
                "Danh sách có danh hiệu cấp Nhà nước phải công khai ít nhất %(n)s trước khi hội "
                "đồng họp (Nghị định 152/2025/NĐ-CP, Điều 60 khoản 3)."
            )
            % {"n": describe_days(minimum, DayCount.WORKING)}
        )
    consultation = Consultation.objects.create(
        unit=unit,
        round=round_,
        opens_on=opens_on,
        closes_on=closes_on,
        days=days,
        day_count=day_count,
        note=clean_text(note),
        published_by=actor,
    )
    consultation.nominations.set(chosen)
    period = {
        "from": opens_on.strftime("%d/%m/%Y"),
        "to": consultation.closes_on.strftime("%d/%m/%Y"),
        "days": days,
        "day_count": str(day_count),
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
    require_sizes(
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
