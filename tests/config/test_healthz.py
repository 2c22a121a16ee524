import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database(client, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_checks_a_real_redis_when_configured(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    response = client.get(reverse("healthz"))
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_healthz_stays_up_but_degraded_when_redis_is_unreachable(client, settings):
    """Pages still work without Redis, so a load balancer must keep the node."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "error"},
    }


def test_healthz_fails_when_the_database_is_unreachable(client, settings, monkeypatch):
    from django.db import OperationalError

    from config import views

    class Unreachable:
        def cursor(self):
            raise OperationalError("connection refused")

    settings.REDIS_URL = ""
    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error"}}


def test_celery_runs_tasks_in_process_without_redis(settings):
    from config.celery import app

    assert app.conf.task_always_eager is (not settings.REDIS_URL)
