"""A stalled database (a table locked by a migration or by hand): web requests give up within
their statement and lock timeouts and get the 503 page; /healthz still answers at once, honestly
(bench/faults.py holds such a lock on a real server under load)."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from config.database import postgres_options, serves_requests
from nominations.models import Nomination

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# The web limits shortened so the tests do not wait: which one ends the wait decides the error,
# LockNotAvailable (lock_timeout) or QueryCanceled (statement_timeout).
LIMITS = {
    "lock timeout": {"statement_timeout": 3, "lock_timeout": 1},
    "statement timeout": {"statement_timeout": 1, "lock_timeout": 0},
}


@pytest.fixture(params=sorted(LIMITS))
def dossier_table_locked(postgres, request):
    """An ACCESS EXCLUSIVE lock on the dossier table, held by another connection until the test
    ends; the test's own connection gets the web limits, shortened."""
    connection.close()
    options = connection.settings_dict.setdefault("OPTIONS", {})
    kept = options.get("options")
    options["options"] = postgres_options(**LIMITS[request.param])
    params = connection.get_connection_params()
    holder = psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("options", "cursor_factory", "context")}
    )
    holder.execute(f'LOCK TABLE "{Nomination._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
    yield
    holder.rollback()
    holder.close()
    connection.close()
    options["options"] = kept


def test_web_requests_run_under_a_statement_and_a_lock_timeout(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        statement = cursor.fetchone()[0]
        cursor.execute("SHOW lock_timeout")
        lock = cursor.fetchone()[0]
    assert (statement, lock) == ("20s", "10s")
    assert settings.DATABASE_STATEMENT_TIMEOUT < 30  # gunicorn's timeout (config/gunicorn.py)


@pytest.mark.parametrize(
    ("argv", "web"),
    [
        (["/srv/.venv/bin/gunicorn", "config.wsgi"], True),
        (["manage.py", "runserver"], True),
        (["/srv/.venv/bin/pytest"], True),
        (["/srv/.venv/bin/celery", "-A", "config", "worker"], False),
        (["/srv/.venv/lib/python3.11/site-packages/celery/__main__.py", "worker"], False),
        (["manage.py", "migrate"], False),
        (["manage.py", "seed_demo"], False),
    ],
)
def test_only_processes_that_serve_requests_get_the_limits(argv, web, monkeypatch):
    monkeypatch.delenv("PORTAL_PROCESS", raising=False)
    assert serves_requests(argv) is web


def test_a_page_behind_a_locked_dossier_table_is_the_503_page(
    client, nominator_a, dossier_table_locked
):
    client.force_login(nominator_a)
    client.raise_request_exception = False
    response = client.get(reverse("nominations:list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Hệ thống đang tạm gián đoạn" in response.content.decode()


def test_healthz_answers_degraded_while_the_dossier_table_is_locked(
    client, settings, dossier_table_locked
):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "stalled"}}
