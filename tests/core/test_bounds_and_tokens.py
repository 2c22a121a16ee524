"""The shared pieces: date windows, text limits, the one-time form token."""

import uuid
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from core.forms import BoundedDateField, BoundedTextField, BoundedYearField
from core.idempotency import once
from core.models import AuditEvent, FormToken
from core.validators import date_bounds, text_problems
from core.widgets import VietnameseDateWidget, YearWidget

TODAY = "2026-03-16 10:00 +0700"


@time_machine.travel(TODAY, tick=False)
def test_date_windows():
    assert date_bounds("birth") == (date(1900, 1, 1), date(2026, 3, 16))
    assert date_bounds("event") == (date(2016, 3, 16), date(2031, 3, 16))
    assert date_bounds("record") == (date(1945, 1, 1), date(2031, 3, 16))


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("kind", "typed", "ok"),
    [
        ("birth", "12/03/1985", True),
        ("birth", "01/01/0001", False),
        ("birth", "01/01/2100", False),
        ("birth", "31/12/9999", False),
        ("event", "15/04/2026", True),
        ("event", "01/01/0001", False),
        ("record", "20/11/1990", True),
        ("record", "01/01/2100", False),
    ],
)
def test_a_date_field_keeps_its_window(kind, typed, ok):
    field = BoundedDateField(kind=kind)
    if ok:
        assert field.clean(typed)
    else:
        with pytest.raises(ValidationError, match="nằm ngoài khoảng hợp lệ"):
            field.clean(typed)
        with pytest.raises(ValueError, match="nằm ngoài khoảng hợp lệ"):
            VietnameseDateWidget(kind=kind).clean(typed)


@time_machine.travel(TODAY, tick=False)
def test_years_of_records_and_plans():
    assert BoundedYearField(kind="record").clean("1990") == 1990
    with pytest.raises(ValidationError, match="Năm 2100 nằm ngoài khoảng hợp lệ"):
        BoundedYearField(kind="event").clean("2100")
    with pytest.raises(ValueError, match="Năm 9999"):
        YearWidget(kind="record").clean("9999")


def test_text_limits_say_the_limit():
    field = BoundedTextField(label="Lý do", max_bytes=10_000)
    with pytest.raises(ValidationError, match="vượt giới hạn 5000 ký tự"):
        field.clean("x" * 5001)
    assert field.clean("ngắn") == "ngắn"
    assert text_problems("x" * 9_000_000, label="Tóm tắt", max_chars=None, max_bytes=200_000) == [
        "“Tóm tắt” nặng 8,6\xa0MB, vượt giới hạn 195,3\xa0KB. Hãy rút gọn hoặc dán dạng chữ."
    ]


@pytest.mark.django_db
class TestOnce:
    def make(self, actor, calls):
        def action():
            calls.append(1)
            return AuditEvent.objects.create(actor=actor, action="test")

        return action

    def test_the_same_token_runs_once_and_returns_the_first_object(self, django_user_model):
        user = django_user_model.objects.create(username="a")
        token, calls = uuid.uuid4(), []
        first, created = once(token=token, actor=user, action=self.make(user, calls))
        again, created_again = once(token=token, actor=user, action=self.make(user, calls))
        assert (created, created_again, again, len(calls)) == (True, False, first, 1)
        _other, created_other = once(token=uuid.uuid4(), actor=user, action=self.make(user, calls))
        assert (created_other, len(calls)) == (True, 2)

    def test_a_failed_action_leaves_the_token_free(self, django_user_model):
        user = django_user_model.objects.create(username="a")
        token = uuid.uuid4()

        def failing():
            raise ValidationError("Hãy sửa lại.")

        with pytest.raises(ValidationError):
            once(token=token, actor=user, action=failing)
        assert not FormToken.objects.exists()
        _event, created = once(token=token, actor=user, action=self.make(user, []))
        assert created

    def test_another_users_token_is_refused(self, django_user_model):
        owner = django_user_model.objects.create(username="a")
        other = django_user_model.objects.create(username="b")
        token = uuid.uuid4()
        once(token=token, actor=owner, action=self.make(owner, []))
        with pytest.raises(ValidationError, match="đã được gửi"):
            once(token=token, actor=other, action=self.make(other, []))

    def test_claims_older_than_a_week_are_purged_daily(self, django_user_model):
        from django_celery_beat.models import PeriodicTask

        from core.tasks import purge_form_tokens

        user = django_user_model.objects.create(username="a")
        with time_machine.travel("2026-03-01 10:00 +0700", tick=False):
            once(token=uuid.uuid4(), actor=user, action=self.make(user, []))
        with time_machine.travel("2026-03-07 10:00 +0700", tick=False):
            recent, _created = once(token=uuid.uuid4(), actor=user, action=self.make(user, []))
        with time_machine.travel("2026-03-09 10:00 +0700", tick=False):
            assert purge_form_tokens() == 1
        assert list(FormToken.objects.values_list("target_id", flat=True)) == [str(recent.pk)]
        beat = PeriodicTask.objects.get(task="core.purge_form_tokens")
        assert (beat.interval.every, beat.interval.period) == (1, "days")
