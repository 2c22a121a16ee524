"""Settings read the environment once, at import: each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.utils import formats, translation
translation.activate("vi")
import datetime
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "hosts": settings.ALLOWED_HOSTS,
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "date": formats.date_format(datetime.date(2026, 4, 3), "SHORT_DATE_FORMAT"),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "secure_cookie": settings.SESSION_COOKIE_SECURE,
    "otp_admin": settings.OTP_REQUIRED_FOR_ADMIN,
    "failure_limit": settings.AXES_FAILURE_LIMIT,
    "lockout_minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "proxies": settings.TRUSTED_PROXY_COUNT,
    "idle": settings.SESSION_IDLE_TIMEOUT,
}))
"""
ENV_KEYS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "OTP_REQUIRED_FOR_ADMIN",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "TRUSTED_PROXY_COUNT",
    "SESSION_IDLE_TIMEOUT",
)


def probe(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_for(**env):
    result = probe(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_defaults_need_nothing_installed():
    s = settings_for()
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(ROOT / "db.sqlite3")
    assert s["eager"] is True
    assert s["broker"] == "memory://"
    assert s["cache"].endswith("LocMemCache")
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert (s["language"], s["tz"]) == ("vi", "Asia/Ho_Chi_Minh")
    assert s["date"] == "03/04/2026"
    assert s["ssl_redirect"] is False
    assert s["otp_admin"] is False  # local admin without a phone
    assert (s["failure_limit"], s["lockout_minutes"], s["proxies"]) == (5, 15, 0)


def test_services_come_from_urls():
    s = settings_for(
        DATABASE_URL="postgres://portal@127.0.0.1:5432/thidua",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_URL="smtp+tls://user:pw@smtp.example.gov.vn:587",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["eager"] is False
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    assert s["cache"].endswith("RedisCache")
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_host"] == "smtp.example.gov.vn"


def test_production_requires_a_secret_key():
    result = probe(DEBUG="0", ALLOWED_HOSTS="thidua.example.gov.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_requires_allowed_hosts():
    result = probe(DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_turns_on_https_protections():
    s = settings_for(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="thidua.example.gov.vn")
    assert s["hosts"] == ["thidua.example.gov.vn"]
    assert s["ssl_redirect"] is True
    assert s["secure_cookie"] is True
    assert s["hsts"] >= 31_536_000
    assert s["otp_admin"] is True  # the admin needs a two-factor session in production


def test_login_security_comes_from_the_environment():
    s = settings_for(
        OTP_REQUIRED_FOR_ADMIN="0",
        LOGIN_FAILURE_LIMIT="10",
        LOGIN_LOCKOUT_MINUTES="30",
        TRUSTED_PROXY_COUNT="1",
        SESSION_IDLE_TIMEOUT="0",
        DEBUG="0",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="thidua.example.gov.vn",
    )
    assert s["otp_admin"] is False
    assert (s["failure_limit"], s["lockout_minutes"], s["proxies"], s["idle"]) == (10, 30, 1, 0)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_month_year_in_both_languages(language):
    import datetime

    from django.utils import formats, translation

    with translation.override(language):
        assert formats.date_format(datetime.date(2026, 4, 3), "SHORT_DATE_FORMAT") == "03/04/2026"
