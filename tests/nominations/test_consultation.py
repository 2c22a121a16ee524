"""Public consultation: the deciding unit publishes the dossiers it intends to approve, anyone may
comment (with a honeypot, a time check and a rate limit instead of a captcha), the council reads
the comments on each dossier, and a campaign that requires it approves only afterwards."""

import datetime
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaigns.models import Campaign
from nominations import services
from nominations.enums import Action, EventKind, NoticeKind, State
from nominations.forms import comment_token
from nominations.models import Consultation, ConsultationComment
from nominations.services import TransitionError
from notifications.models import Message
from tests.factories import PersonFactory

TODAY = date(2026, 3, 16)  # the `clock` fixture's day


@pytest.fixture
def at_province(placed, tree):
    """Two dossiers under review at the Sở (the deciding unit), one still at the commune."""
    return [
        placed(
            "under_review@province",
            person=PersonFactory(unit=tree.school_a, full_name=name, phone="0905123456"),
        )
        for name in ("Nguyễn Thị Ánh", "Trần Văn Bình")
    ] + [placed("under_review@commune", person=PersonFactory(unit=tree.school_a))]


def publish(users, campaign, nominations, *, days=9, opens_on=TODAY, day_count="calendar"):
    return services.consultation_publish(
        actor=users.province,
        unit=nominations[0].deciding_unit,
        round_=campaign.rounds.get(),
        nominations=nominations,
        opens_on=opens_on,
        days=days,
        day_count=day_count,
    )


def test_the_deciding_unit_publishes_the_dossiers_under_review_there(
    at_province, users, campaign, clock
):
    consultation = publish(users, campaign, at_province[:2], days=9)
    assert consultation.closes_on == date(2026, 3, 24)  # nine days, 16 to 24 inclusive
    assert set(consultation.nominations.all()) == set(at_province[:2])
    for nomination in at_province[:2]:
        assert nomination.events.filter(kind=EventKind.PUBLISHED).count() == 1


def test_ten_working_days_skip_weekends_and_the_holidays_of_the_calendar(
    at_province, users, campaign, clock
):
    """The campaign's default is 10 working days; 16/3/2026 is a Monday, so two working weeks
    end on Friday 27/3. From 27/4/2026 the window crosses three days off: 27/4 (the Hùng Kings'
    day, 10/3 lunar, falls on Sunday 26/4 and is taken the next working day), 30/4 and 1/5."""
    assert Campaign._meta.get_field("consultation_day_count").default == "working"
    assert Campaign._meta.get_field("consultation_days").default == 10
    consultation = publish(users, campaign, at_province[:1], days=10, day_count=None)
    assert (consultation.days, consultation.day_count) == (10, "working")
    assert consultation.closes_on == date(2026, 3, 27)
    around_30_april = publish(
        users, campaign, at_province[1:2], days=10, opens_on=date(2026, 4, 27), day_count="working"
    )
    # 28-29/4 (2), 4-8/5 (5), 11-13/5 (3): ten working days.
    assert around_30_april.closes_on == date(2026, 5, 13)


def test_a_state_level_title_needs_ten_working_days_even_in_calendar_days(
    at_province, users, campaign, clock
):
    from criteria.models import Title
    from nominations.models import Nomination

    Nomination.objects.filter(pk=at_province[0].pk).update(title=Title.objects.get(code="CSTD_TQ"))
    at_province[0].refresh_from_db()
    with pytest.raises(ValidationError, match="ít nhất 10 ngày làm việc"):
        publish(users, campaign, at_province[:1], days=9)  # today's old default: 9 days
    with pytest.raises(ValidationError, match="ít nhất 10 ngày làm việc"):
        publish(users, campaign, at_province[:1], days=11)  # 16-26/3: only 9 working days
    assert publish(users, campaign, at_province[:1], days=12).closes_on == date(2026, 3, 27)


def test_the_public_page_says_how_the_days_are_counted(at_province, users, campaign, clock, client):
    consultation = publish(users, campaign, at_province[:1], days=10, day_count="working")
    page = client.get(reverse("nominations:consultation_public", args=[consultation.pk]))
    assert "10 ngày làm việc, từ 16/03/2026 đến hết ngày 27/03/2026" in page.content.decode()
    other = publish(users, campaign, at_province[1:2], days=9, day_count="calendar")
    page = client.get(reverse("nominations:consultation_public", args=[other.pk]))
    assert "9 ngày, từ 16/03/2026 đến hết ngày 24/03/2026" in page.content.decode()


def test_only_dossiers_waiting_at_the_deciding_unit_and_only_its_approver(
    at_province, users, campaign, clock
):
    with pytest.raises(ValidationError, match="Chỉ công khai được"):
        publish(users, campaign, at_province)  # the third is still at the commune
    with pytest.raises(PermissionDenied):
        services.consultation_publish(
            actor=users.commune,
            unit=at_province[0].deciding_unit,
            round_=campaign.rounds.get(),
            nominations=at_province[:2],
            opens_on=TODAY,
            days=9,
        )
    with pytest.raises(ValidationError, match="từ 1 đến 60"):
        publish(users, campaign, at_province[:2], days=0)
    assert not Consultation.objects.exists()


def test_a_campaign_that_requires_consultation_approves_only_after_it(
    at_province, users, campaign, clock
):
    Campaign.objects.filter(pk=campaign.pk).update(requires_public_consultation=True)
    nomination = at_province[0]
    with pytest.raises(TransitionError, match="yêu cầu công khai"):
        services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)
    publish(users, campaign, [nomination], days=3)  # 16, 17, 18 March
    with pytest.raises(TransitionError, match="đến hết ngày 18/03/2026"):
        services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)
    clock.move_to(datetime.datetime(2026, 3, 18, 16, 30, tzinfo=datetime.UTC))  # 23:30 on 18/03
    with pytest.raises(TransitionError):
        services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)
    clock.move_to(datetime.datetime(2026, 3, 18, 17, 1, tzinfo=datetime.UTC))  # 00:01 on 19/03
    approved = services.transition(
        actor=users.province, nomination=nomination, action=Action.APPROVE
    )
    assert approved.state == State.APPROVED


def test_without_the_requirement_approval_does_not_wait(at_province, users, clock):
    approved = services.transition(
        actor=users.province, nomination=at_province[0], action=Action.APPROVE
    )
    assert approved.state == State.APPROVED


# --- the public pages ------------------------------------------------------------------------
@pytest.fixture
def consultation(at_province, users, campaign, clock):
    return publish(users, campaign, at_province[:2])


def form_data(nomination, **overrides):
    return {
        "nomination": nomination.pk,
        "kind": "objection",
        "author_name": "Lê Văn Dân",
        "author_contact": "dan@example.vn",
        "text": "Tôi phản ánh: số liệu học sinh đạt giải chưa đúng.",
        "website": "",
        "token": comment_token(),
        **overrides,
    }


def later(seconds=5):
    """Travel a few seconds on: a person takes time to write."""
    return time_machine.travel(
        datetime.datetime(2026, 3, 16, 3, 0, seconds, tzinfo=datetime.UTC), tick=False
    )


def test_anyone_reads_the_list_without_personal_fields(client, consultation, at_province):
    listing = client.get(reverse("nominations:consultation_list"))
    assert listing.status_code == 200
    assert consultation in listing.context["consultations"]
    page = client.get(reverse("nominations:consultation_public", args=[consultation.pk]))
    html = page.content.decode()
    assert "Nguyễn Thị Ánh" in html
    assert "Trần Văn Bình" in html
    assert "0905123456" not in html
    assert at_province[2].nominee.full_name not in html  # not on the list


def test_a_comment_reaches_the_council_and_the_deciding_approvers(
    client, consultation, at_province, users, tree, django_capture_on_commit_callbacks
):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    data = form_data(at_province[0])
    with later():
        response = client.post(url, data)
    assert response.status_code == 302
    comment = ConsultationComment.objects.get()
    assert comment.nomination == at_province[0]
    assert comment.kind == "objection"
    assert "127.0.0.1" not in comment.sender_digest
    notified = set(
        Message.objects.filter(kind=NoticeKind.PUBLIC_COMMENT).values_list(
            "recipient__username", flat=True
        )
    )
    assert notified == {users.province.username, users.secretary.username}

    client.force_login(users.secretary)
    detail = client.get(reverse("nominations:detail", args=[at_province[0].pk]))
    assert "số liệu học sinh đạt giải chưa đúng" in detail.content.decode()
    assert "dan@example.vn" in detail.content.decode()
    # The nominating school sees its dossier, not who objected to it.
    client.force_login(users.principal)
    detail = client.get(reverse("nominations:detail", args=[at_province[0].pk]))
    assert detail.status_code == 200
    assert "dan@example.vn" not in detail.content.decode()
    assert "chưa đúng" not in detail.content.decode()


def test_the_honeypot_saves_nothing_and_says_nothing(client, consultation, at_province):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    with later():
        response = client.post(url, form_data(at_province[0], website="http://spam.example"))
    assert response.status_code == 302
    assert not ConsultationComment.objects.exists()


def test_a_form_sent_too_fast_or_too_late_is_refused(client, consultation, at_province):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    data = form_data(at_province[0])
    response = client.post(url, data)  # same instant as the token
    assert response.status_code == 200
    assert "quá nhanh" in response.content.decode()
    with time_machine.travel(datetime.datetime(2026, 3, 16, 6, 0, tzinfo=datetime.UTC)):
        response = client.post(url, data)  # three hours later
    assert "đã mở quá lâu" in response.content.decode()
    response = client.post(url, form_data(at_province[0], token="forged"))
    assert "không hợp lệ" in response.content.decode()
    assert not ConsultationComment.objects.exists()


def test_more_than_five_comments_an_hour_from_one_address_are_refused(
    client, consultation, at_province
):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    token = comment_token()
    with later():
        codes = [
            client.post(url, form_data(at_province[i % 2], token=token)).status_code
            for i in range(6)
        ]
        other = client.post(url, form_data(at_province[0], token=token), REMOTE_ADDR="203.0.113.9")
    assert codes == [302] * 5 + [429]
    assert ConsultationComment.objects.count() == 6
    assert other.status_code == 302  # a different sender is not limited by the first


def test_a_dossier_not_on_the_list_cannot_be_commented(client, consultation, at_province):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    with later():
        response = client.post(url, form_data(at_province[2]))
    assert response.status_code == 200
    assert not ConsultationComment.objects.exists()


def test_after_the_period_the_list_stays_readable_but_takes_no_comment(
    client, consultation, at_province
):
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    token = comment_token()
    with time_machine.travel(datetime.datetime(2026, 3, 25, 3, 0, tzinfo=datetime.UTC)):
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["form"] is None
        assert client.post(url, form_data(at_province[0], token=token)).status_code == 404
    with time_machine.travel(datetime.datetime(2026, 7, 1, 3, 0, tzinfo=datetime.UTC)):
        assert client.get(url).status_code == 404  # no longer listed after 90 days
    assert not ConsultationComment.objects.exists()


def test_the_manage_page_publishes_for_the_approver_of_the_acting_unit(
    client, at_province, users, clock
):
    client.force_login(users.province)
    url = reverse("nominations:consultation_manage")
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["day_count"].initial == "working"
    assert {n.pk for n in page.context["form"].fields["nominations"].queryset} == {
        at_province[0].pk,
        at_province[1].pk,
    }
    response = client.post(
        url,
        {
            "dot": page.context["round"].pk,
            "nominations": [at_province[0].pk],
            "opens_on": "16/03/2026",
            "days": 10,
            "day_count": "working",
            "note": "Ý kiến gửi trước ngày 27/03/2026.",
        },
    )
    consultation = Consultation.objects.get()
    assert consultation.closes_on == date(2026, 3, 27)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "nominations:consultation_public", args=[consultation.pk]
    )
    assert list(consultation.nominations.all()) == [at_province[0]]
    client.force_login(users.nominator)
    assert client.get(url).status_code == 403


def test_behind_the_proxy_the_limit_counts_each_sender_not_the_proxy(
    client, consultation, at_province, settings
):
    """nginx is REMOTE_ADDR of every request: counting it would let five comments from anyone
    close the consultation to everyone. The sender is the address nginx appended."""
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    token = comment_token()

    def send(sender, forged="198.51.100.1"):
        return client.post(
            url,
            form_data(at_province[0], token=token),
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"{forged}, {sender}",
        ).status_code

    with later():
        first = [send("203.0.113.1", forged=f"198.51.100.{i}") for i in range(6)]
        second = send("203.0.113.2")
    assert first == [302] * 5 + [429]  # forging the left of the header does not escape the limit
    assert second == 302
    assert ConsultationComment.objects.count() == 6
