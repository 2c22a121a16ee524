"""End to end through real parts: a submission's notice goes through Redis to a separate
`celery worker` process and out by e-mail; and with Redis down during the submission, the
submission still succeeds and the notice arrives once Redis is back, exactly once."""

import email
import shutil
import socket
import subprocess
from contextlib import contextmanager
from email.header import decode_header, make_header

import pytest

from nominations import services
from notifications import services as outbox
from notifications.models import Delivery, DeliveryStatus
from tests.conftest import service_missing, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SUBJECT = "Hồ sơ chờ xét: Nguyễn Thị Ánh"


def mails(folder) -> list[str]:
    """Subjects of every e-mail the worker wrote (file backend: one file per connection)."""
    subjects = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                parsed = email.message_from_string(chunk.strip())
                subjects.append(str(make_header(decode_header(parsed["Subject"]))))
    return subjects


def test_a_real_worker_delivers_a_submission_notice(
    postgres, redis_url, start_worker, placed, users, clock, tmp_path
):
    from config.celery import app

    app.control.purge()
    outgoing = tmp_path / "mail"
    worker_log = start_worker(redis_url, EMAIL_URL=f"filemail:///{outgoing}")
    nomination = placed("draft")
    services.transition(actor=users.principal, nomination=nomination, action="submit")

    delivery = Delivery.objects.get(message__recipient=users.commune)
    assert wait_for(lambda: mails(outgoing) == [SUBJECT]), worker_log()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(port):
    binary = shutil.which("redis-server")
    if not binary:
        service_missing("redis-server is not installed (apt-get install redis-server)")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: _answers(port), seconds=10)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port) -> bool:
    import redis

    try:
        return redis.Redis(port=port, socket_timeout=0.5).ping()
    except redis.RedisError:
        return False


@contextmanager
def web_broker(url):
    """Point this process's Celery app at another broker (its pools cache the old one)."""
    from config.celery import app

    def rebind(value):
        app.conf.broker_url = value
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url
    rebind(url)
    try:
        yield
    finally:
        rebind(before)


def test_redis_down_during_a_submission_then_back_delivers_exactly_once(
    postgres, redis_url, start_worker, placed, users, clock, tmp_path, celery_eager
):
    celery_eager.conf.task_always_eager = False  # this test wants the real broker path
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    outgoing = tmp_path / "mail"
    nomination = placed("draft")
    with web_broker(broker):
        # Redis is down: the submission still succeeds, its notice waits in the outbox.
        services.transition(actor=users.principal, nomination=nomination, action="submit")
        nomination.refresh_from_db()
        assert nomination.state == "under_review"
        delivery = Delivery.objects.get(message__recipient=users.commune)
        assert delivery.status == DeliveryStatus.PENDING

        with redis_server(port):  # Redis is back
            worker_log = start_worker(broker, EMAIL_URL=f"filemail:///{outgoing}")
            assert outbox.requeue_due() == 1  # what beat runs every five minutes
            assert wait_for(lambda: mails(outgoing) == [SUBJECT]), worker_log()
            assert outbox.requeue_due() == 0  # the next beat: nothing left to send
            outbox.enqueue([delivery.pk])  # even a stray duplicate task sends nothing
            assert wait_for(lambda: worker_log().count("succeeded") == 2, seconds=30)
    assert mails(outgoing) == [SUBJECT]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
