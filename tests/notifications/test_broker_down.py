"""With the broker (Redis) down, a submission through the page still succeeds, without a long
wait, and its notice waits in the outbox for the requeue (bench/faults.py stops a real Redis
under load; test_delivery_integration.py then delivers with a real worker)."""

import time

import pytest
from django.urls import reverse

from notifications.models import Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


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
