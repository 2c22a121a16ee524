"""Downloads of personal data (a person's photo, a dossier's photo) are written to the audit log."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import photo_upload as jpeg
from tests.nominations.conftest import (  # noqa: F401  (the nomination fixtures, shared)
    campaign,
    clock,
    new_nomination,
    users,
)

pytestmark = pytest.mark.django_db


def test_downloads_of_photos_are_audited(client, users, new_nomination, clock, tree):  # noqa: F811
    from tests.factories import PersonFactory

    person = PersonFactory(unit=tree.school_a, photo=jpeg())
    nomination = new_nomination()
    client.force_login(users.principal)
    AuditEvent.objects.all().delete()

    response = client.get(reverse("units:person_photo", args=[person.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    response = client.get(reverse("nominations:photo", args=[nomination.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)

    events = list(AuditEvent.objects.order_by("pk"))
    assert [(e.action, e.actor, e.target_id) for e in events] == [
        ("person.photo", users.principal, str(person.pk)),
        ("nomination.photo", users.principal, str(nomination.pk)),
    ]
