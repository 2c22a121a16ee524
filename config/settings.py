"""Settings of the portal, read from the environment in this one place.

Local defaults are safe and need nothing installed: SQLite in the project folder, Celery eager,
e-mail printed to the console. Production sets DEBUG=0 and must then provide SECRET_KEY and
ALLOWED_HOSTS; there is deliberately no production default for a secret.
See README.md ("Cấu hình" / "Configuration") for every variable.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import postgres_options, serves_requests

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the public can reach the portal; used in e-mails (password reset, notifications).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site (2FA check)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "treebeard",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",  # the summary editor's static files (nominations.forms.SummaryEditor)
    "django_htmx",
    "django_celery_beat",
    "import_export",
    "django_filters",
    "django_tables2",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "units",
    "accounts",
    "criteria",
    "campaigns",
    "nominations",
    "reporting",
    "yearly",
    "notifications",
    "demo",  # seed_demo: imports the apps, none imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.vietnamese_first",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.reject_malformed_input",  # its 400 page in the user's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.private_when_logged_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",  # after messages: it tells why you were logged out
    "accounts.middleware.SuperuserSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into our login page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "units.context_processors.memberships",
                "accounts.context_processors.two_factor",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
# A kept connection is checked before a request reuses it: after PostgreSQL restarted, each web
# thread's first request would otherwise fail on its dead connection, a 500 once the database is
# back (bench/faults.py, docs/reliability.md).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Web requests give up on a statement after DATABASE_STATEMENT_TIMEOUT seconds and on a lock wait
# after DATABASE_LOCK_TIMEOUT, both below gunicorn's 30-s timeout (config/gunicorn.py): a stalled
# table is then the 503 page within seconds, not a thread held until gunicorn kills the worker.
# Celery workers and management commands keep the server's own limits (config/database.py).
# DATABASE_CONNECT_TIMEOUT bounds a connection attempt to an unreachable server.
DATABASE_STATEMENT_TIMEOUT = env.float("DATABASE_STATEMENT_TIMEOUT", default=20)
DATABASE_LOCK_TIMEOUT = env.float("DATABASE_LOCK_TIMEOUT", default=10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=3
    )
    if serves_requests(sys.argv):
        DATABASES["default"]["OPTIONS"]["options"] = postgres_options(
            statement_timeout=DATABASE_STATEMENT_TIMEOUT, lock_timeout=DATABASE_LOCK_TIMEOUT
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager Celery task share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # Redis down or restarting makes pages slower (computed without the cache), not 500s.
    CACHES = {"default": {"BACKEND": "core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a task must not hang when Redis is down: give up fast, the outbox and
# the periodic requeue deliver later (notifications/services.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# With acks_late, a task whose worker died without a word (SIGKILL, out of memory, power) stays
# unacknowledged in Redis and comes back after the visibility timeout. It must be longer than the
# longest task (a large unit's bundle), or a task still running is handed to a second worker.
# Checked for such tasks every 10 s (kombu's default scans only every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A bundle whose builder has not reported progress for this long lost its worker: the periodic
# requeue (or a redelivered task) builds it again; a live build is never built twice.
BUNDLE_STALE_SECONDS = env.int("BUNDLE_STALE_SECONDS", default=120)

# Public consultation of nominees for state-level awards (orders, state honorary titles, and in
# practice CSTĐ toàn quốc and the Prime Minister's Bằng khen) lasts at least 10 working days
# before the council meets (Decree 98/2023 Art. 46(2), Decree 152/2025 Art. 60(3)).
CONSULTATION_STATE_TITLES = ("CSTD_TQ", "BK_TTG", "NGUT", "NGND")
CONSULTATION_STATE_MIN_WORKING_DAYS = 10
# Claimed one-time form tokens (core.idempotency) older than this are purged daily.
FORM_TOKEN_DAYS = env.int("FORM_TOKEN_DAYS", default=7)
# A printed document whose HTML holds more than this many characters (embedded photos not
# counted) is rendered by a Celery worker while the user watches the bundle progress page, not
# inside the web request: WeasyPrint lays out about 50,000 characters a second on one core, and a
# web worker must answer well within gunicorn's 30 s timeout. 100,000 is about 30 pages.
PDF_INLINE_MAX_CHARS = env.int("PDF_INLINE_MAX_CHARS", default=100_000)
# WeasyPrint writes the fonts of each render into a weasyprint-* folder of the temp directory and
# removes it when done; a killed process leaves it (1.5 MB). Folders older than this that no live
# render holds are swept at process start and before every render.
PDF_TEMP_STALE_SECONDS = env.int("PDF_TEMP_STALE_SECONDS", default=5 * 60)
# A delivery still "sending" this long after it was claimed lost its worker, perhaps after the
# mail server had accepted it: it is never sent again by itself (that could send twice); the
# admin's outbox lists it as "in doubt" for a person to mark as sent or to send again.
DELIVERY_IN_DOUBT_MINUTES = env.int("DELIVERY_IN_DOUBT_MINUTES", default=15)
# External notification channels, in order ("email"; SMS or Zalo would be added here).
NOTIFICATION_CHANNELS = env.list("NOTIFICATION_CHANNELS", default=["email"])

# --- Authentication -------------------------------------------------------------------------
# The user model stays in `units` though login lives in `accounts`: moving a swappable model to
# another app means rewriting every migration that points at it, for no gain in behaviour.
AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username + address
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle expiry: a session unused for this long is logged out (0 turns it off). Not done with
# SESSION_SAVE_EVERY_REQUEST + a short SESSION_COOKIE_AGE, which writes the session row on every
# request (each bell poll, each photo); accounts.middleware.IdleTimeoutMiddleware stores the last
# activity at most once a minute instead. Two hours, because a dossier summary is typed in one
# go without a request, and an expired session would lose it on submit.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60 * 2)

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES. The refusal reads exactly
# like a wrong password (accounts.security.lockout_response), so it tells nothing about whether
# the account exists. Unlock early: `python manage.py axes_reset_username <username>`.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt during the lockout does not restart the clock: "try again in 15 minutes"
# stays true for the official at the keyboard.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful logins and logouts go to our AuditEvent instead
# Password reset e-mails: at most PASSWORD_RESET_PER_ADDRESS requests from one client address and
# PASSWORD_RESET_PER_EMAIL for one e-mail address in PASSWORD_RESET_WINDOW_MINUTES; beyond, the
# page answers as always but sends nothing (accounts.security.password_reset_throttled).
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=10)
PASSWORD_RESET_PER_EMAIL = env.int("PASSWORD_RESET_PER_EMAIL", default=3)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)
# Number of reverse proxies (nginx) in front of gunicorn that append to X-Forwarded-For. 0: the
# address is REMOTE_ADDR and X-Forwarded-For is ignored (a client could forge it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Two-factor login (django-otp, TOTP + backup codes) for approvers and system admins who turn it
# on in "Bảo mật tài khoản". OTP_REQUIRED_FOR_ADMIN: the Django admin (/quan-tri/) only opens to
# a session verified with a code, so staff must enrol first; a superuser's session opens no page
# at all before that (accounts.middleware.SuperuserSecondFactorMiddleware).
OTP_REQUIRED_FOR_ADMIN = env.bool("OTP_REQUIRED_FOR_ADMIN", default=not DEBUG)
OTP_TOTP_ISSUER = "ThiDua GDDT"
OTP_LOGIN_TIMEOUT = 5 * 60  # seconds between the password step and the code step

# --- E-mail ---------------------------------------------------------------------------------
# EMAIL_URL e.g. smtp+tls://user:password@smtp.example.org:587 ; default prints to the console.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
vars().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Thi đua khen thưởng <no-reply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language, time, formats ----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Dates are dd/mm/yyyy in both languages: the portal's users are Vietnamese officials.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files hold personal data (photos, evidence): they live outside the static tree and
# are only ever served through permission-checked views, never by the web server directly.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# No URL route and no web-server location serves this prefix in production; files are never
# linked directly (FieldFile.url is unused). Django's test live server needs it to be a path.
MEDIA_URL = "/_private_media/"
STORAGES = {
    # A full disk is a message on the form, not a 500 and a partial file (core/storage.py).
    "default": {"BACKEND": "core.storage.PortalStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# In development and tests WhiteNoise serves straight from the app and project static folders;
# production serves the collected, hashed and compressed copies from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Evidence may be up to EVIDENCE_MAX_BYTES: nginx client_max_body_size must allow it.

# --- Forms and messages ---------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# /healthz is polled by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy on every response (django-csp): scripts and styles only from our
# static files, no inline script, style attribute or eval anywhere (htmx is configured with
# allowEval false and without its injected indicator style: templates/base.html). img-src
# allows data: for Bootstrap's inline SVG icons in its CSS and the 2FA QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Import limits --------------------------------------------------------------------------
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
# A file with more data rows than this is checked and imported by a Celery worker, with a
# progress page, instead of inside the web request (a province's staff list is 60,000 rows).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=3000)
# A background import whose worker has not reported progress for this long has died (killed
# worker, lost machine): the periodic requeue (or a redelivered task) runs it again.
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=300)
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=2 * 1024 * 1024)
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes logs every login at INFO; the audit log (core.AuditEvent) records them.
        "axes": {"level": "WARNING"},
    },
}
