"""Optimistic concurrency for edit forms of shared objects (dossier, campaign, round, yearly
report): the form carries the `version` it was read at, the service compares it with the row it
has locked and refuses a stale save, the view shows what is stored beside what the user typed.

A new edit form opts in with three lines: `VersionedFormMixin` on the form (initial `version`
from the object), `check_version(locked, expected_version)` and `bump_version(obj)` in the
service after `select_for_update()`, and `stale_context(...)` in the view on `StaleVersionError`.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _


class StaleVersionError(ValidationError):
    """The object changed since the form was read; `current` is the row as stored now."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "Trong lúc bạn sửa, người khác đã lưu thay đổi của “%(object)s”. Lần lưu này "
                "chưa thay đổi gì. Hãy so sánh nội dung đang lưu với nội dung bạn vừa nhập "
                "(vẫn giữ trong biểu mẫu), sửa lại nếu cần rồi bấm lưu lần nữa."
            )
            % {"object": current}
        )


def check_version(locked, expected_version: int | None) -> None:
    """`locked` must come from select_for_update(): two saves of the same version then queue on
    the row lock and the second sees the first one's version, so only one can win."""
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersionError(locked)


def bump_version(obj) -> None:
    obj.version += 1


class VersionedFormMixin:
    """Adds the hidden `version` the form was read at (from the model form's instance, or the
    `version` initial). Not required, so that a script or an older page without it still saves
    (without the check)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            min_value=0,
            initial=getattr(instance, "version", None) if instance and instance.pk else None,
        )

    def adopt_version(self, version: int) -> None:
        """After a stale save the user has now seen what is stored: a resubmit of the same form
        is meant to replace that version."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)


def _shown(field, value) -> str:
    """A value as a person reads it: dates dd/mm/yyyy, choices by label, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (list, tuple, QuerySet)):
        return ", ".join(sorted(_shown(field, v) for v in value))
    labels = dict(getattr(field, "flat_choices", None) or getattr(field, "choices", None) or [])
    if isinstance(labels, dict) and labels.get(value) is not None:
        return str(labels[value])
    return str(value).strip()


def _cleaned(field, value):
    try:
        return field.clean(field.prepare_value(value))
    except (ValidationError, TypeError, ValueError):
        return value


def stale_rows(pairs) -> list[tuple[str, str, str]]:
    """(label, stored, typed) for every visible field where the stored form (unbound, built
    from the row as it is now) differs from what the user typed. `pairs` are (heading, typed
    form, stored form)."""
    rows = []
    for heading, typed, stored in pairs:
        cleaned = getattr(typed, "cleaned_data", {})
        for name, field in typed.fields.items():
            if field.widget.is_hidden or isinstance(field, forms.FileField):
                continue
            mine = cleaned[name] if name in cleaned else _cleaned(field, typed[name].value())
            now = _cleaned(field, stored[name].value())
            mine, now = _shown(field, mine), _shown(field, now)
            if now != mine:
                label = f"{heading}: {field.label}" if heading else str(field.label)
                rows.append((label, now, mine))
    return rows


def stale_context(exc: StaleVersionError, *, typed, stored) -> dict:
    """What a view adds to its context after a stale save: the message on the typed form (which
    keeps the user's input and now carries the stored version) and the rows of differences.
    `typed` and `stored` are forms, or lists of (heading, form) of the same length."""
    if not isinstance(typed, list):
        typed, stored = [("", typed)], [("", stored)]
    first = typed[0][1]
    first.add_error(None, exc.messages)
    first.adopt_version(exc.current.version)
    pairs = [
        (heading, mine, now)
        for (heading, mine), (_stored_heading, now) in zip(typed, stored, strict=True)
    ]
    return {"stale": stale_rows(pairs)}
