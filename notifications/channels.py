"""External channels. A channel knows whom it can reach and how to send one message; callers never
name a channel, so adding SMS or Zalo is a class here and a line in NOTIFICATION_CHANNELS."""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


class Channel:
    name = ""

    def reaches(self, user) -> bool:
        raise NotImplementedError

    def send(self, message) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def reaches(self, user) -> bool:
        return bool(user.email) and user.is_active

    def send(self, message) -> None:
        context = {
            "message": message,
            "link": f"{settings.SITE_URL.rstrip('/')}{message.url}" if message.url else "",
            "site": settings.SITE_URL,
        }
        with translation.override("vi"):
            text = render_to_string("notifications/email.txt", context)
            html = render_to_string("notifications/email.html", context)
        mail = EmailMultiAlternatives(
            subject=message.subject,
            body=text,
            to=[message.recipient.email],
            # The idempotency key as Message-ID: a receiving server that sees it twice drops it.
            headers={"Message-ID": make_msgid(idstring=message.key.replace(":", "."))},
        )
        mail.attach_alternative(html, "text/html")
        mail.send()


AVAILABLE = {channel.name: channel for channel in (EmailChannel(),)}


def enabled() -> list[Channel]:
    return [AVAILABLE[name] for name in settings.NOTIFICATION_CHANNELS]


def get(name: str) -> Channel:
    return AVAILABLE[name]
