"""The outbox: messages written with the event (or not at all), one per key, each delivery claimed
before it is sent, retried with backoff, never sent twice; the bell, the inbox and the admin."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from nominations import services
from nominations.enums import Action, NoticeKind
from notifications import services as outbox
from notifications.models import Delivery, DeliveryStatus, Message

pytestmark = pytest.mark.django_db


def submit(nomination, users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.transition(actor=users.principal, nomination=nomination, action="submit")


def test_a_submission_tells_the_next_reviewers_and_e_mails_them_once(
    placed, users, clock, celery_eager, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://thidua.example.gov.vn"
    nomination = placed("draft")
    submit(nomination, users, django_capture_on_commit_callbacks)

    message = Message.objects.get()
    assert (message.recipient, message.kind) == (users.commune, NoticeKind.SUBMITTED)
    assert message.subject == "Hồ sơ chờ xét: Nguyễn Thị Ánh"
    assert message.url == reverse("nominations:detail", args=[nomination.pk])
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [users.commune.email]
    assert email.subject == "Hồ sơ chờ xét: Nguyễn Thị Ánh"
    link = f"https://thidua.example.gov.vn/ho-so/{nomination.pk}/"
    assert link in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert message.deliveries.get().status == DeliveryStatus.SENT
    # The task delivered again (a redelivered message, a second worker): nothing more is sent.
    outbox.deliver_one(message.deliveries.get().pk)
    assert len(mail.outbox) == 1


def test_a_return_goes_back_to_the_nominating_unit_with_the_reason(placed, users, clock):
    from units.models import Membership

    nomination = placed("under_review@commune")
    departed = Membership.objects.create(
        user=users.sibling, unit=nomination.nominating_unit, role="nominator", is_active=False
    )
    services.transition(
        actor=users.commune, nomination=nomination, action=Action.RETURN, reason="Thiếu ảnh"
    )
    got = {(m.recipient, m.kind) for m in Message.objects.all()}
    assert got == {
        (users.nominator, NoticeKind.RETURNED),
        (users.principal, NoticeKind.RETURNED),
    }
    assert "Lý do: Thiếu ảnh" in Message.objects.first().body
    assert not Message.objects.filter(recipient=departed.user).exists()  # a role that ended


def test_no_message_for_a_change_that_rolled_back(placed, users, clock):
    nomination = placed("draft")

    @transaction.atomic
    def submit_then_fail():
        services.transition(actor=users.principal, nomination=nomination, action="submit")
        raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        submit_then_fail()
    assert not Message.objects.exists()
    assert not Delivery.objects.exists()


def test_the_same_event_written_twice_is_one_message(users):
    draft = outbox.Notice(
        key="nomination:1:v2:7",
        recipient_id=users.commune.pk,
        kind="submitted",
        subject="S",
        body="B",
    )
    outbox.notify([draft, draft])
    outbox.notify([draft])
    assert Message.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_failures_back_off_then_give_up_and_a_dead_worker_is_not_retried(users, monkeypatch):
    from notifications import channels

    (message,) = outbox.notify(
        [
            outbox.Notice(
                key="k", recipient_id=users.commune.pk, kind="submitted", subject="S", body="B"
            )
        ]
    )
    delivery = message.deliveries.get()

    def down(self, message):
        raise ConnectionRefusedError("SMTP không trả lời")

    monkeypatch.setattr(channels.EmailChannel, "send", down)
    now = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)
    assert outbox.deliver_one(delivery.pk, now=now) == DeliveryStatus.PENDING
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert "SMTP không trả lời" in delivery.last_error
    assert outbox.requeue_due(now=now) == 0  # not before its time
    for _attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        outbox.deliver_one(delivery.pk, now=now)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, outbox.MAX_ATTEMPTS)

    # A worker that died mid-send leaves the delivery "sending": no automatic second try.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENDING)
    assert outbox.requeue_due(now=now + datetime.timedelta(days=1)) == 0


def test_the_bell_the_inbox_and_reading(client, users, make_user, tree):
    mine = outbox.notify(
        [
            outbox.Notice(
                key=f"k{i}",
                recipient_id=users.commune.pk,
                kind="submitted",
                subject=f"Hồ sơ {i}",
                body="B",
                url="/ho-so/",
            )
            for i in range(3)
        ]
    )
    outbox.notify(
        [
            outbox.Notice(
                key="other",
                recipient_id=users.sibling.pk,
                kind="submitted",
                subject="Của người khác",
                body="B",
            )
        ]
    )
    client.force_login(users.commune)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="bell"' in home
    assert "Thông báo: 3 chưa đọc" in home
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert "Hồ sơ 0" in inbox
    assert "Của người khác" not in inbox
    other = Message.objects.get(key="other")
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404

    response = client.get(reverse("notifications:open", args=[mine[0].pk]))
    assert response.url == "/ho-so/"
    assert Message.objects.filter(recipient=users.commune, read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark_all_read"))
    assert not Message.objects.filter(recipient=users.commune, read_at__isnull=True).exists()
    assert not Message.objects.get(key="other").read_at

    client.post(reverse("notifications:preferences"), {"weekly_digest": "on"})
    assert users.commune.notification_preference.weekly_digest
    client.post(reverse("notifications:preferences"), {})
    users.commune.notification_preference.refresh_from_db()
    assert not users.commune.notification_preference.weekly_digest


def test_an_off_site_link_is_never_followed(client, users):
    (message,) = outbox.notify(
        [
            outbox.Notice(
                key="x",
                recipient_id=users.commune.pk,
                kind="submitted",
                subject="S",
                body="B",
                url="https://evil.example.com/",
            )
        ]
    )
    client.force_login(users.commune)
    assert client.get(reverse("notifications:open", args=[message.pk])).url == reverse(
        "notifications:inbox"
    )


def test_the_admin_outbox_shows_failures_and_resends(
    client, users, celery_eager, django_capture_on_commit_callbacks
):
    from units.models import User

    admin = User.objects.create_superuser(username="quantri.test", password="x", email="q@x.vn")
    (message,) = outbox.notify(
        [
            outbox.Notice(
                key="k", recipient_id=users.commune.pk, kind="submitted", subject="S", body="B"
            )
        ]
    )
    delivery = message.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=6, last_error="SMTPServerDisconnected"
    )
    client.force_login(admin)
    listing = client.get(reverse("admin:notifications_delivery_changelist") + "?status=failed")
    assert "SMTPServerDisconnected" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "resend", "_selected_action": [delivery.pk]},
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


# --- deliveries in doubt: a person decides --------------------------------------------------------
@pytest.fixture
def superuser(db):
    from units.models import User

    return User.objects.create_superuser(username="quantri.test", password="x", email="q@x.vn")


def _sending(users, key, minutes_ago):
    from django.utils import timezone

    (message,) = outbox.notify(
        [
            outbox.Notice(
                key=key, recipient_id=users.commune.pk, kind="submitted", subject=key, body="B"
            )
        ]
    )
    delivery = message.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return delivery


def _actions():
    from core.models import AuditEvent

    return list(AuditEvent.objects.order_by("pk").values_list("action", "data"))


def test_the_admin_lists_deliveries_in_doubt_with_their_age(client, users, superuser, settings):
    settings.DELIVERY_IN_DOUBT_MINUTES = 15
    stuck, busy = _sending(users, "bi-treo", 40), _sending(users, "dang-gui", 2)
    client.force_login(superuser)
    url = reverse("admin:notifications_delivery_changelist")
    listing = client.get(url, {"khong_ro": "1"})
    assert listing.status_code == 200
    shown = list(listing.context["cl"].result_list)
    assert shown == [stuck]
    assert "40 phút — không rõ kết quả" in listing.content.decode()
    assert busy not in shown
    assert "Không rõ kết quả (đang gửi quá lâu)" in client.get(url).content.decode()


def test_marking_as_sent_records_it_and_sends_nothing(
    client, users, superuser, settings, celery_eager
):
    settings.DELIVERY_IN_DOUBT_MINUTES = 15
    stuck, busy = _sending(users, "bi-treo", 40), _sending(users, "dang-gui", 2)
    client.force_login(superuser)
    client.post(
        reverse("admin:notifications_delivery_changelist"),
        {"action": "mark_sent", "_selected_action": [stuck.pk, busy.pk]},
    )
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, busy.status) == (DeliveryStatus.SENT, DeliveryStatus.SENDING)
    assert stuck.sent_at is not None
    assert mail.outbox == []
    assert _actions()[-1] == ("notification.mark_sent", {"deliveries": [stuck.pk]})


def test_sending_again_takes_only_what_is_in_doubt(
    client, users, superuser, settings, celery_eager, django_capture_on_commit_callbacks
):
    """One still being sent may yet succeed: sending it again could send it twice."""
    settings.DELIVERY_IN_DOUBT_MINUTES = 15
    stuck, busy = _sending(users, "bi-treo", 40), _sending(users, "dang-gui", 2)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "resend", "_selected_action": [stuck.pk, busy.pk]},
        )
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, busy.status) == (DeliveryStatus.SENT, DeliveryStatus.SENDING)
    assert [m.subject for m in mail.outbox] == ["bi-treo"]
    assert _actions()[-1] == ("notification.resend", {"deliveries": [stuck.pk]})


def test_nothing_resends_a_delivery_in_doubt_by_itself(users, settings, celery_eager):
    settings.DELIVERY_IN_DOUBT_MINUTES = 15
    stuck = _sending(users, "bi-treo", 600)
    outbox.requeue_due()
    stuck.refresh_from_db()
    assert stuck.status == DeliveryStatus.SENDING
    assert mail.outbox == []


def test_the_outbox_takes_only_kinds_their_apps_registered(users):
    """The outbox knows no dossier or report words: each app registers its own kinds."""
    from pathlib import Path

    from notifications import kinds

    assert kinds.label("submitted") == "Có hồ sơ gửi đến"  # nominations registered it
    assert kinds.label("report_due") == "Sắp đến hạn gửi báo cáo năm"  # the yearly report's
    with pytest.raises(ValueError, match="nobody registered"):
        outbox.notify(
            [
                outbox.Notice(
                    key="k", recipient_id=users.commune.pk, kind="bí ẩn", subject="S", body="B"
                )
            ]
        )
    assert not Message.objects.exists()
    code = Path(outbox.__file__).parent
    for source in code.glob("*.py"):
        text = source.read_text()
        assert "nominations" not in text, source.name
        assert "hồ sơ" not in text.lower(), source.name
