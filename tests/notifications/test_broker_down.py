"""With the broker (Redis) down, a submission through the page still succeeds, without a long
wait, and its notice waits in the outbox for the requeue (bench/faults.py stops a real Redis
under load; test_delivery_integration.py then delivers with a real worker)."""

import socket
import time

import pytest
from django.urls import reverse

from notifications.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


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


def test_a_submission_succeeds_with_the_broker_down_and_its_notice_waits(
    client, placed, users, clock, dead_broker, django_capture_on_commit_callbacks
):
    nomination = placed("draft")
    client.force_login(users.principal)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("nominations:transition", args=[nomination.pk, "submit"]),
            {"version": nomination.version},
            follow=True,
        )
    elapsed = time.monotonic() - started

    assert "Đã thực hiện: Gửi lên cấp trên." in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == "under_review"
    delivery = Delivery.objects.get(message__recipient=users.commune)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    # Queueing gives up after the broker's connection timeout (2 s) and one retry.
    assert elapsed < 10
