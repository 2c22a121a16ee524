"""Who hears what about a dossier when it moves or is commented on, written to the
notifications outbox. `transition_notices()` runs inside the transition's transaction (no
message for a change that rolled back). The periodic reminders are `reminders.py`."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.services import Notice, notify
from units.enums import EDITOR_ROLES as EDITORS
from units.enums import Role
from units.selectors import live_memberships

from .enums import Action, NoticeKind
from .models import Nomination


def _users_at(unit_id: int, roles) -> list[int]:
    return list(
        live_memberships()
        .filter(unit_id=unit_id, role__in=roles)
        .values_list("user_id", flat=True)
        .distinct()
    )


# --- transitions ------------------------------------------------------------------------------
def transition_notices(nomination: Nomination, action: str, *, actor, reason: str = "") -> None:
    """Tell the next reviewers (submit, forward, resubmit) or the nominating unit (the rest)."""
    with translation.override("vi"):
        notice = _transition_text(nomination, action, reason)
    if notice is None:
        return
    kind, subject, body = notice
    if kind == NoticeKind.SUBMITTED:
        recipients = _users_at(nomination.current_unit_id, [Role.APPROVER])
    else:
        recipients = _users_at(nomination.nominating_unit_id, EDITORS)
    url = reverse("nominations:detail", args=[nomination.pk])
    notify(
        [
            Notice(
                key=f"nomination:{nomination.pk}:v{nomination.version}:{user_id}",
                recipient_id=user_id,
                kind=kind,
                subject=subject,
                body=body,
                url=url,
            )
            for user_id in recipients
            if user_id != actor.pk
        ]
    )


def comment_notices(comment) -> None:
    """A comment from the public reaches the approvers and the council secretary who decide."""
    nomination = comment.nomination
    recipients = _users_at(comment.consultation.unit_id, [Role.APPROVER, Role.COUNCIL_SECRETARY])
    with translation.override("vi"):
        subject = _("Ý kiến của công chúng về hồ sơ: %(nominee)s") % {"nominee": nomination.nominee}
        body = _(
            "%(kind)s về hồ sơ đề nghị “%(title)s” cho %(nominee)s, gửi qua trang công khai, "
            "lấy ý kiến. Xem nội dung trên trang hồ sơ."
        ) % {
            "kind": comment.get_kind_display(),
            "title": nomination.title.name,
            "nominee": nomination.nominee,
        }
    url = reverse("nominations:detail", args=[nomination.pk])
    notify(
        [
            Notice(
                key=f"comment:{comment.pk}:{user_id}",
                recipient_id=user_id,
                kind=NoticeKind.PUBLIC_COMMENT,
                subject=subject,
                body=body,
                url=url,
            )
            for user_id in recipients
        ]
    )


def _transition_text(nomination, action, reason):
    who = {
        "nominee": str(nomination.nominee),
        "title": nomination.title.name,
        "campaign": nomination.campaign.name,
        "unit": nomination.current_unit.name,
        "from": nomination.nominating_unit.name,
        "reason": reason,
    }
    if action in (Action.SUBMIT, Action.FORWARD, Action.RESUBMIT):
        return (
            NoticeKind.SUBMITTED,
            _("Hồ sơ chờ xét: %(nominee)s") % who,
            _(
                "Hồ sơ đề nghị “%(title)s” cho %(nominee)s (%(from)s) đã được gửi đến "
                "%(unit)s trong phong trào “%(campaign)s”."
            )
            % who,
        )
    texts = {
        Action.RETURN: (
            NoticeKind.RETURNED,
            _("Hồ sơ bị trả lại: %(nominee)s"),
            _("Hồ sơ của %(nominee)s được trả lại để bổ sung. Lý do: %(reason)s"),
        ),
        Action.REJECT: (
            NoticeKind.REJECTED,
            _("Hồ sơ không được chọn: %(nominee)s"),
            _("Hồ sơ đề nghị “%(title)s” cho %(nominee)s không được chọn. Lý do: %(reason)s"),
        ),
        Action.APPROVE: (
            NoticeKind.APPROVED,
            _("Hồ sơ được duyệt: %(nominee)s"),
            _("Hồ sơ đề nghị “%(title)s” cho %(nominee)s đã được duyệt, chờ quyết định."),
        ),
        Action.RECOGNISE: (
            NoticeKind.RECOGNISED,
            _("Có quyết định khen thưởng: %(nominee)s"),
            _("%(nominee)s được công nhận “%(title)s” theo quyết định số %(decision)s."),
        ),
    }
    if action not in texts:
        return None
    kind, subject, body = texts[action]
    who["decision"] = nomination.decision.number if nomination.decision_id else ""
    return kind, subject % who, body % who
