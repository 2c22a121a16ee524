"""One submission per rendered form: create forms carry a random token, generated when the form
is rendered; the first request that submits it claims the token (a unique row) in the same
transaction as the object it creates. A second request with the same token (double click,
resend after a slow answer) gets that object back and creates nothing, while a freshly rendered
form has a new token and creates again.

A new form opts in with `OnceFormMixin` (or `{% form_token %}` in a hand-written form) and runs
its service through `once(token=..., actor=..., action=lambda: service(...))`.
"""

import datetime
import uuid

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormToken

TOKEN_FIELD = "form_token"  # noqa: S105 (a field name, not a secret)


class OnceFormMixin:
    """Adds the hidden one-time token, new each time the form is rendered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )


def token_from(data, prefix: str = "") -> uuid.UUID | None:
    """The token of a form posted without a Form class (a button in a list)."""
    try:
        return uuid.UUID(data.get(f"{prefix}{TOKEN_FIELD}", ""))
    except ValueError:
        return None


def _earlier(token, user):
    claim = FormToken.objects.filter(token=token).first()
    if claim is None or claim.user_id != (user.pk if user else None) or not claim.target_id:
        raise ValidationError(_("Biểu mẫu này đã được gửi. Hãy tải lại trang rồi làm lại."))
    model = apps.get_model(claim.target_type)
    target = model._default_manager.filter(pk=claim.target_id).first()
    if target is None:
        raise ValidationError(
            _("Biểu mẫu này đã được gửi nhưng kết quả không còn nữa. Hãy tải lại trang.")
        )
    return target


def once(*, token: uuid.UUID | None, actor, action):
    """Run `action()` (a service call that returns the object it created or changed) once per
    token. Returns (object, created): `created` is False when an earlier request with this token
    already ran it. Without a token (an API client, an old page) the action simply runs."""
    if token is None:
        return action(), True
    user = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        try:
            # On PostgreSQL a concurrent claim of the same token waits here for the first
            # transaction: it then fails if that one committed, or goes on if it rolled back.
            with transaction.atomic():
                claim = FormToken.objects.create(token=token, user=user)
        except IntegrityError:
            return _earlier(token, user), False
        target = action()
        claim.target_type, claim.target_id = target._meta.label_lower, str(target.pk)
        claim.save(update_fields=["target_type", "target_id"])
    return target, True


def form_tokens_purge(*, now=None) -> int:
    """Forget claims older than FORM_TOKEN_DAYS (a daily beat task): a double click or a resent
    form comes within minutes, and the table would otherwise grow with every form sent."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FORM_TOKEN_DAYS)
    deleted, _by_model = FormToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted
