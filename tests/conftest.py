"""Shared fixtures: a small unit tree, users with roles, and access to the real services.

Tests that need PostgreSQL, Redis or Chromium ask for the fixture of that service. Locally it
skips with the reason when the service is absent; with REQUIRE_SERVICES=1 (CI) it fails instead,
so that nothing silently goes untested there.
"""

import os
import shutil
import socket
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import PersonFactory, UnitFactory, UserFactory
from units.enums import Role, SchoolType, UnitLevel
from units.models import Membership

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property-based tests (hypothesis): the examples of one test share its database transaction and
# fixtures on purpose, the database sets the pace (no deadline), and no example database is left
# in the checkout. HYPOTHESIS_PROFILE=ci tries many more examples.
hypothesis_settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("dev"), max_examples=300
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def service_missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache of its own per test: cached pages and rate-limit counters must not leak between
    # tests (the real Redis of CI is also the broker, so it is not flushed instead).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        service_missing("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    return connection


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        service_missing("this test needs Redis (set REDIS_URL=redis://127.0.0.1:6379/0)")
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def celery_eager():
    """Run tasks in-process even when REDIS_URL names a real broker (as in CI)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_broker(celery_eager):
    """This process's Celery app pointed at a Redis that is not there, tasks not eager."""
    app = celery_eager
    before = app.conf.broker_url

    def rebind(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.task_always_eager = False
    rebind(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    yield
    rebind(before)


@pytest.fixture
def start_worker(settings, tmp_path):
    """Start real `celery worker` processes on the test database; stopped after the test.
    `start_worker(broker_url, **env)` returns a function that reads the worker's log."""
    import subprocess
    import sys
    from urllib.parse import quote

    workers = []

    def start(broker_url: str, **extra_env):
        db = connection.settings_dict
        user = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        env = os.environ | {
            "DATABASE_URL": f"postgres://{user}@{db['HOST'] or 'localhost'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": broker_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **extra_env,
        }
        path = tmp_path / f"worker-{len(workers)}.log"
        log = path.open("w")
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
        process = subprocess.Popen(
            [*command, "-l", "info"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        workers.append((process, log))
        return lambda: path.read_text()[-3000:]

    yield start
    for process, log in workers:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_for(condition, *, seconds=90):
    """Poll until `condition()` is true (a real worker runs at its own pace)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        service_missing("Debian's Chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def tree(db):
    """Bộ → Sở Đà Nẵng → xã → two primary schools (A with a subject team, B); Sở Gia Lai → C."""
    ministry = UnitFactory(code="BO", name="Bộ Giáo dục và Đào tạo", level=UnitLevel.MINISTRY)
    danang = UnitFactory(
        code="SGD-DN", name="Sở GDĐT Đà Nẵng", level=UnitLevel.PROVINCE, parent=ministry
    )
    commune = UnitFactory(
        code="X-HC", name="UBND phường Hải Châu", level=UnitLevel.COMMUNE, parent=danang
    )
    school_a = UnitFactory(
        code="TH-A", name="Trường Tiểu học Lê Lợi", parent=commune, school_type=SchoolType.PRIMARY
    )
    team_a = UnitFactory(code="TH-A-T1", name="Tổ 1", level=UnitLevel.SUBUNIT, parent=school_a)
    school_b = UnitFactory(
        code="TH-B", name="Trường Tiểu học Trần Phú", parent=commune, school_type=SchoolType.PRIMARY
    )
    gialai = UnitFactory(
        code="SGD-GL", name="Sở GDĐT Gia Lai", level=UnitLevel.PROVINCE, parent=ministry
    )
    school_c = UnitFactory(
        code="THPT-C",
        name="Trường THPT Pleiku",
        parent=gialai,
        school_type=SchoolType.UPPER_SECONDARY,
    )
    return SimpleNamespace(
        ministry=ministry,
        danang=danang,
        commune=commune,
        school_a=school_a,
        team_a=team_a,
        school_b=school_b,
        gialai=gialai,
        school_c=school_c,
    )


@pytest.fixture
def make_user(db):
    def make(*memberships, **kwargs):
        user = UserFactory(**kwargs)
        for unit, role in memberships:
            Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return make


@pytest.fixture
def people(tree):
    return SimpleNamespace(
        a=PersonFactory(unit=tree.school_a, full_name="Nguyễn Thị Ánh"),
        a_team=PersonFactory(unit=tree.team_a, full_name="Lê Văn Tám"),
        b=PersonFactory(unit=tree.school_b, full_name="Trần Thị Bích"),
        c=PersonFactory(unit=tree.school_c, full_name="Rơ Mah Hlim"),
    )


@pytest.fixture
def nominator_a(make_user, tree):
    return make_user((tree.school_a, Role.NOMINATOR), username="nominator.a")


@pytest.fixture
def province_admin(make_user, tree):
    return make_user((tree.danang, Role.CAMPAIGN_ADMIN), username="so.admin")


@contextmanager
def counting_queries():
    """Counts every query, those of test-client requests too (CaptureQueriesContext misses them:
    Django resets its query log when a request starts). Yields a one-item list."""
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield count


@pytest.fixture
def full_disk(monkeypatch):
    """The media disk full: a stored file's first bytes are written, then ENOSPC, as the kernel
    answers a write on a full filesystem (core/storage.py must remove the partial file)."""
    import errno

    from django.core.files.storage import filesystem

    class FullFile:
        def __init__(self, file):
            self.file = file

        def write(self, chunk):
            self.file.write(chunk[:10])
            self.file.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.file.close()

    class FullDiskOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def fdopen(self, fd, *args, **kwargs):
            return FullFile(os.fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(filesystem, "os", FullDiskOs())


@pytest.fixture
def stored_files(settings):
    """The files under MEDIA_ROOT now (a callable)."""
    from pathlib import Path

    def files():
        root = Path(settings.MEDIA_ROOT)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return files
