"""Login throttling (django-axes), what the login and password reset pages reveal, the audit of
logins, the client address behind proxies, idle expiry and other sessions after a password
change. The audit of downloads of personal data is in tests/security/test_audited_downloads.py."""

import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "ThiDua@2026"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def attempt(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def page_text(response) -> str:
    """The page as a person sees it, without the per-response CSRF token."""
    return CSRF.sub("", response.content.decode())


@pytest.fixture
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    return settings


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- what a failed login tells ----------------------------------------------------------------
def test_unknown_user_wrong_password_and_lockout_look_the_same(client, nominator_a, limits):
    wrong = attempt(client, "nominator.a", "sai mật khẩu")
    unknown = attempt(client, "khong.ton.tai", "sai mật khẩu")
    for _ in range(2):
        attempt(client, "nominator.a", "sai mật khẩu")
    locked = attempt(client, "nominator.a", PASSWORD)  # the right password, refused: locked

    assert wrong.status_code == unknown.status_code == locked.status_code == 200
    assert "Vui lòng nhập chính xác tên đăng nhập và mật khẩu" in wrong.text
    assert "tạm dừng 15 phút" in wrong.text
    # Same page, byte for byte, but for the username typed back into the form.
    assert page_text(locked) == page_text(wrong)
    assert page_text(unknown) == page_text(wrong).replace("nominator.a", "khong.ton.tai")
    assert SESSION_KEY not in client.session


def test_an_unknown_username_is_locked_out_like_a_real_one(client, nominator_a, limits):
    for _ in range(3):
        attempt(client, "khong.ton.tai", "x")
        attempt(client, "nominator.a", "x")
    unknown = attempt(client, "khong.ton.tai", "x")
    real = attempt(client, "nominator.a", "x")
    assert page_text(unknown) == page_text(real).replace("nominator.a", "khong.ton.tai")


def test_the_lockout_page_is_our_vietnamese_login_page(client, nominator_a, limits):
    for _ in range(3):
        response = attempt(client, "nominator.a", "x")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert 'name="username"' in response.text
    assert "Quên mật khẩu?" in response.text
    assert "Account locked" not in response.text


def test_password_reset_does_not_tell_whether_an_address_exists(client, nominator_a):
    known = client.post(reverse("password_reset"), {"email": nominator_a.email})
    unknown = client.post(reverse("password_reset"), {"email": "khong-co@example.edu.vn"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1  # only the real address got a message
    done = client.get(known.url)
    assert "khong-co@example.edu.vn" not in done.text


def _reset(client, email, sender="203.0.113.5"):
    response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=sender)
    return response.status_code, response["Location"], response.content


def test_password_reset_sends_at_most_the_limit_per_email_address(client, nominator_a, settings):
    settings.PASSWORD_RESET_PER_EMAIL = 3
    answers = [
        _reset(client, nominator_a.email.upper() if i % 2 else nominator_a.email, f"10.0.0.{i}")
        for i in range(8)
    ]
    assert len(set(answers)) == 1  # throttled or not, the same answer
    assert len(mail.outbox) == 3
    throttled = AuditEvent.objects.filter(action="auth.password_reset_throttled").order_by("pk")
    assert throttled.count() == 5
    assert throttled.first().data["limits"] == ["email"]
    assert throttled.first().data["ip"] == "10.0.0.3"


def test_password_reset_sends_at_most_the_limit_per_client_address(client, settings, make_user):
    settings.PASSWORD_RESET_PER_ADDRESS = 2
    people = [make_user(username=f"gv{i}", email=f"gv{i}@example.edu.vn") for i in range(4)]
    answers = [_reset(client, person.email) for person in people]
    answers.append(_reset(client, "khong-co@example.edu.vn"))
    assert len(set(answers)) == 1
    assert [m.to for m in mail.outbox] == [["gv0@example.edu.vn"], ["gv1@example.edu.vn"]]
    assert _reset(client, people[3].email, sender="203.0.113.6") == answers[0]
    assert len(mail.outbox) == 3  # another address is not held back by the first
    assert AuditEvent.objects.filter(action="auth.password_reset_throttled").count() == 3


def test_unknown_addresses_are_counted_like_known_ones(client, nominator_a, settings):
    """Were only existing accounts counted, the first refusal would tell that one exists."""
    settings.PASSWORD_RESET_PER_EMAIL = 1
    for email in ("khong-co@example.edu.vn", nominator_a.email):
        _reset(client, email)
        _reset(client, email)
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="auth.password_reset_throttled").count() == 2


# --- lockout and unlock ------------------------------------------------------------------------
def test_lockout_is_per_username_and_address_and_ends_after_the_cool_off(
    client, nominator_a, limits
):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)) as t:
        for _ in range(3):
            attempt(client, "nominator.a", "x")
        assert attempt(client, "nominator.a", PASSWORD).status_code == 200  # refused

        # The same account from another office still logs in: no denial of service by guessing.
        other = Client(REMOTE_ADDR="10.1.2.3")
        assert attempt(other, "nominator.a", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302

        t.shift(datetime.timedelta(minutes=14))
        assert attempt(client, "nominator.a", PASSWORD).status_code == 200  # still refused
        t.shift(datetime.timedelta(minutes=2))
        response = attempt(client, "nominator.a", PASSWORD)
        assert (response.status_code, response.url) == (302, reverse("home"))


def test_a_success_before_the_limit_clears_the_count(client, nominator_a, limits):
    attempt(client, "nominator.a", "x")
    attempt(client, "nominator.a", "x")
    assert attempt(client, "nominator.a", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "nominator.a", "x")
    attempt(client, "nominator.a", "x")
    assert attempt(client, "nominator.a", PASSWORD).status_code == 302


def test_an_admin_unlocks_an_account_with_the_documented_command(client, nominator_a, limits):
    for _ in range(3):
        attempt(client, "nominator.a", "x")
    assert attempt(client, "nominator.a", PASSWORD).status_code == 200
    call_command("axes_reset_username", "nominator.a", stdout=io.StringIO())
    assert attempt(client, "nominator.a", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, nominator_a, limits):
    for n in range(3):
        attempt(client, "nominator.a", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    refused = attempt(client, "nominator.a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused.status_code == 200


def test_behind_a_configured_proxy_the_forwarded_address_counts(client, nominator_a, limits):
    limits.TRUSTED_PROXY_COUNT = 1
    # nginx appends the address it saw; whatever the client sent stays on the left.
    for _ in range(3):
        attempt(client, "nominator.a", "x", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert (
        attempt(client, "nominator.a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code
        == 200
    )
    # another real client behind the same proxy is not locked out
    response = attempt(client, "nominator.a", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert response.status_code == 302
    lockouts = AuditEvent.objects.filter(action="auth.lockout")
    assert {event.data["ip"] for event in lockouts} == {"203.0.113.5"}
    assert AuditEvent.objects.filter(action="auth.login").get().data["ip"] == "203.0.113.6"


# --- audit of logins ---------------------------------------------------------------------------
def test_login_failure_lockout_and_logout_are_audited(client, nominator_a, limits):
    agent = "Mozilla/5.0 " + "x" * 500
    response = attempt(client, "nominator.a", PASSWORD, HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    client.post(reverse("logout"))
    attempt(client, "nominator.a", "mật khẩu sai")
    attempt(client, "ai.do", "mật khẩu sai")
    attempt(client, "nominator.a", "mật khẩu sai")
    attempt(client, "nominator.a", "mật khẩu sai")  # the third: locks
    attempt(client, "nominator.a", PASSWORD)  # refused while locked

    assert actions() == [
        "auth.login",
        "auth.logout",
        "auth.login_failed",
        "auth.login_failed",
        "auth.login_failed",
        "auth.lockout",
        "auth.lockout",
    ]
    login, logout, failed, unknown, *_ = AuditEvent.objects.order_by("pk")
    assert login.actor == nominator_a
    assert login.data["ip"] == "127.0.0.1"
    assert login.data["user_agent"] == agent[:200]
    assert logout.actor == nominator_a
    assert logout.data["reason"] == "user"
    assert failed.actor is None
    assert failed.data["username"] == "nominator.a"
    assert unknown.data["username"] == "ai.do"
    for event in AuditEvent.objects.all():
        assert "mật khẩu sai" not in str(event.data)
        assert PASSWORD not in str(event.data)
    lockout = AuditEvent.objects.filter(action="auth.lockout").first()
    assert lockout.data["username"] == "nominator.a"
    assert lockout.data["ip"] == "127.0.0.1"


# --- sessions ----------------------------------------------------------------------------------
def test_an_idle_session_is_logged_out_and_told_why(client, nominator_a, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as t:
        client.force_login(nominator_a)
        assert client.get(reverse("home")).status_code == 200
        t.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("home")).status_code == 200  # active: the clock restarts
        t.shift(datetime.timedelta(minutes=25))
        assert client.get(reverse("home")).status_code == 200
        t.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "lâu không thao tác" in response.text
    assert SESSION_KEY not in client.session
    logout = AuditEvent.objects.get(action="auth.logout")
    assert logout.data["reason"] == "idle"


def test_idle_tracking_writes_the_session_at_most_once_a_minute(client, nominator_a, settings):
    from accounts.security import LAST_ACTIVITY_KEY

    start = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as t:
        client.force_login(nominator_a)
        client.get(reverse("home"))
        first = client.session[LAST_ACTIVITY_KEY]
        t.shift(datetime.timedelta(seconds=30))
        client.get(reverse("home"))
        assert client.session[LAST_ACTIVITY_KEY] == first
        t.shift(datetime.timedelta(seconds=31))
        client.get(reverse("home"))
        assert client.session[LAST_ACTIVITY_KEY] == first + 61


def test_changing_the_password_keeps_this_session_and_ends_the_others(nominator_a):
    here, elsewhere = Client(), Client()
    here.force_login(nominator_a)
    elsewhere.force_login(nominator_a)
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "MatKhauMoi#2026",
            "new_password2": "MatKhauMoi#2026",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    gone = elsewhere.get(reverse("home"))
    assert gone.status_code == 302
    assert gone.url.startswith(reverse("login"))
