"""Optional two-factor login for approvers and admins: enrolment with a QR code and backup codes,
the code step of the login, throttled wrong codes, turning it off, and the admin's requirement."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from core.models import AuditEvent
from units.enums import Role

pytestmark = pytest.mark.django_db

PASSWORD = "ThiDua@2026"
START = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def approver(make_user, tree):
    return make_user((tree.school_a, Role.APPROVER), username="hieu.truong")


def code_for(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(reverse("two_factor_confirm"), {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.text)
    client.logout()
    return device, codes


def password_step(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- enrolment ---------------------------------------------------------------------------------
def test_an_approver_enrols_with_a_qr_code_and_gets_backup_codes_once(client, approver, clock):
    client.force_login(approver)
    AuditEvent.objects.all().delete()
    assert reverse("account_security") in client.get(reverse("home")).text  # the menu link
    page = client.get(reverse("account_security"))
    assert "Bật xác thực hai bước" in page.text

    client.post(reverse("two_factor_start"))
    page = client.get(reverse("account_security"))
    assert 'src="data:image/svg+xml;base64,' in page.text
    device = TOTPDevice.objects.get(user=approver)
    assert not device.confirmed
    assert two_factor.secret_for_typing(device) in page.text

    wrong = client.post(reverse("two_factor_confirm"), {"code": "000000"}, follow=True)
    assert "Mã không đúng" in wrong.text
    assert not two_factor.is_enrolled(approver)

    clock.shift(datetime.timedelta(seconds=5))  # past the throttle of the wrong code
    done = client.post(reverse("two_factor_confirm"), {"code": code_for(device)})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.text)
    assert len(codes) == 10
    assert two_factor.is_enrolled(approver)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    # shown once: the security page now offers to turn it off, not the codes
    page = client.get(reverse("account_security"))
    assert codes[0] not in page.text
    assert "Tắt xác thực hai bước" in page.text
    assert actions() == ["otp.failed", "otp.enrol"]


def test_a_new_start_replaces_an_unconfirmed_secret(client, approver):
    client.force_login(approver)
    client.post(reverse("two_factor_start"))
    first = TOTPDevice.objects.get(user=approver).key
    client.post(reverse("two_factor_start"))
    assert TOTPDevice.objects.filter(user=approver).values_list("key", flat=True)[::1] != [first]
    assert TOTPDevice.objects.filter(user=approver).count() == 1


def test_nominators_are_not_offered_two_factor_login(client, nominator_a):
    client.force_login(nominator_a)
    assert reverse("account_security") not in client.get(reverse("home")).text
    assert client.get(reverse("account_security")).status_code == 403
    assert client.post(reverse("two_factor_start")).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_staff_are_offered_it_without_an_approver_role(client, make_user):
    client.force_login(make_user(username="quantri", is_staff=True))
    assert client.get(reverse("account_security")).status_code == 200


def test_the_security_page_needs_a_login(client):
    response = client.get(reverse("account_security"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- login with the code -----------------------------------------------------------------------
def test_login_asks_for_the_code_and_stays_anonymous_until_then(client, approver, clock):
    device, _codes = enrol(client, approver)
    clock.shift(datetime.timedelta(seconds=60))
    AuditEvent.objects.all().delete()
    target = reverse("units:person_list")

    response = password_step(client, "hieu.truong", next_url=target)
    assert (response.status_code, response.url) == (302, reverse("login_code"))
    assert SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302  # not logged in yet

    wrong = client.post(reverse("login_code"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "Mã không đúng" in wrong.text
    assert SESSION_KEY not in client.session

    hurried = client.post(reverse("login_code"), {"code": code_for(device)})
    assert "chờ vài giây" in hurried.text  # django-otp's throttle after a failure
    assert SESSION_KEY not in client.session

    clock.shift(datetime.timedelta(seconds=5))
    done = client.post(reverse("login_code"), {"code": code_for(device)})
    assert (done.status_code, done.url) == (302, target)
    assert client.session[SESSION_KEY] == str(approver.pk)
    assert client.get(reverse("home")).status_code == 200
    assert actions() == ["otp.failed", "otp.failed", "auth.login"]
    failed = AuditEvent.objects.filter(action="otp.failed").first()
    assert failed.target_id == str(approver.pk)
    assert failed.data["step"] == "login"
    assert failed.data["ip"] == "127.0.0.1"


def test_too_many_wrong_codes_send_back_to_the_password(client, approver, clock):
    enrol(client, approver)
    password_step(client, "hieu.truong")
    for _ in range(two_factor.MAX_CODE_FAILURES):
        clock.shift(datetime.timedelta(seconds=60))
        response = client.post(reverse("login_code"), {"code": "000000"})
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert client.get(reverse("login_code")).url == reverse("login")
    assert SESSION_KEY not in client.session


def test_the_code_step_expires(client, approver, clock):
    device, _ = enrol(client, approver)
    password_step(client, "hieu.truong")
    clock.shift(datetime.timedelta(minutes=6))
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert SESSION_KEY not in client.session


def test_the_code_step_cannot_be_reached_without_the_password(client, approver, clock):
    device, _ = enrol(client, approver)
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert SESSION_KEY not in client.session


def test_a_backup_code_works_once(client, approver, clock):
    _device, codes = enrol(client, approver)
    password_step(client, "hieu.truong")
    response = client.post(reverse("login_code"), {"code": codes[0].upper()}, follow=True)
    assert client.session[SESSION_KEY] == str(approver.pk)
    assert "còn 9 mã" in response.text
    client.logout()

    clock.shift(datetime.timedelta(seconds=60))
    password_step(client, "hieu.truong")
    again = client.post(reverse("login_code"), {"code": codes[0]})
    assert again.status_code == 200
    assert SESSION_KEY not in client.session
    assert StaticToken.objects.count() == 9


def test_users_without_two_factor_log_in_with_the_password_alone(client, approver):
    response = password_step(client, "hieu.truong")
    assert (response.status_code, response.url) == (302, reverse("home"))
    assert client.session[SESSION_KEY] == str(approver.pk)


# --- turning it off ----------------------------------------------------------------------------
def test_turning_it_off_needs_the_password_and_a_current_code(client, approver, clock):
    device, _ = enrol(client, approver)
    client.force_login(approver)
    AuditEvent.objects.all().delete()

    clock.shift(datetime.timedelta(seconds=60))
    refused = client.post(
        reverse("two_factor_disable"),
        {"password": "sai mật khẩu", "code": code_for(device)},
        follow=True,
    )
    assert "vẫn đang bật" in refused.text
    assert two_factor.is_enrolled(approver)

    clock.shift(datetime.timedelta(seconds=60))
    refused = client.post(reverse("two_factor_disable"), {"password": PASSWORD, "code": "999999"})
    assert two_factor.is_enrolled(approver)

    clock.shift(datetime.timedelta(seconds=60))
    done = client.post(
        reverse("two_factor_disable"), {"password": PASSWORD, "code": code_for(device)}, follow=True
    )
    assert "Đã tắt xác thực hai bước" in done.text
    assert not two_factor.is_enrolled(approver)
    assert not StaticToken.objects.exists()
    assert actions() == ["otp.failed", "otp.failed", "otp.disable"]

    client.logout()
    response = password_step(client, "hieu.truong")
    assert (response.status_code, response.url) == (302, reverse("home"))


# --- the admin ---------------------------------------------------------------------------------
@pytest.fixture
def staff(make_user):
    return make_user(username="quantri", is_staff=True, is_superuser=True)


def test_admin_requires_a_verified_session_when_configured(client, staff, clock, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    client.force_login(staff)
    index = client.get(reverse("admin:index"), follow=True)
    assert index.redirect_chain[-1][0] == reverse("account_security")
    assert "yêu cầu xác thực hai bước" in index.text

    device, _ = enrol(client, staff)
    clock.shift(datetime.timedelta(seconds=60))
    password_step(client, "quantri", next_url=reverse("admin:index"))
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_enrolling_verifies_the_current_session_for_the_admin(client, staff, clock, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    client.force_login(staff)
    client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("two_factor_confirm"), {"code": code_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_enrolled_admin_without_the_code_in_this_session_logs_in_again(
    client, staff, clock, settings
):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    enrol(client, staff)
    client.force_login(staff)  # a session that never saw a code
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_admin_without_the_requirement_and_its_login_page(client, staff, settings, nominator_a):
    settings.OTP_REQUIRED_FOR_ADMIN = False
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))  # our login, not admin's
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200
    client.force_login(nominator_a)
    assert client.get(reverse("admin:login")).status_code == 403


# --- a superuser's whole portal ----------------------------------------------------------------
PORTAL_PAGES = ("home", "units:person_list", "nominations:list", "campaigns:list")


def test_a_superuser_without_two_factor_opens_only_the_enrolment(client, staff, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    client.force_login(staff)
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        assert (response.status_code, response.url) == (302, reverse("account_security")), name
    page = client.get(reverse("account_security"))
    assert page.status_code == 200
    assert "yêu cầu xác thực hai bước" in page.text
    assert client.get(reverse("healthz")).status_code == 200
    static = client.get("/static/css/portal.css")
    assert static.status_code == 200
    b"".join(static.streaming_content)  # read to the end, which closes the file
    assert client.post(reverse("logout")).url == reverse("login")
    assert SESSION_KEY not in client.session


def test_an_enrolled_superuser_must_prove_the_code_before_any_page(client, staff, clock, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    device, _ = enrol(client, staff)
    client.force_login(staff)  # the password alone (a session that never saw a code)
    response = client.get(reverse("units:person_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    clock.shift(datetime.timedelta(seconds=60))
    password_step(client, "quantri", next_url=reverse("units:person_list"))
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert response.url == reverse("units:person_list")
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_without_the_requirement_a_superuser_uses_the_password_alone(client, staff, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = False
    client.force_login(staff)
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_other_users_are_not_asked_for_a_code_by_the_requirement(client, approver, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    client.force_login(approver)
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
