"""Work that must be neither lost nor doubled: a stale tab's save changes nothing and shows both
versions; the same form submitted twice (a double click) creates one object; free text and
dates have limits."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.concurrency import StaleVersionError
from nominations import services
from nominations.enums import EventKind, State
from nominations.models import (
    Consultation,
    ConsultationComment,
    CouncilSession,
    Decision,
    Nomination,
)
from tests.factories import SUMMARY, PersonFactory
from tests.factories import pdf_upload as pdf

from .test_consultation import form_data, later, publish

pytestmark = pytest.mark.django_db


def edit_data(page, *, summary, works=()):
    """What the edit page would post: its hidden version, the content and the works table."""
    content = page.context["content"]
    data = {
        "version": content["version"].value(),
        "summary": summary,
        "video_links": "",
        "works-TOTAL_FORMS": len(works),
        "works-INITIAL_FORMS": 0,
        "works-MIN_NUM_FORMS": 0,
        "works-MAX_NUM_FORMS": 1000,
    }
    for i, name in enumerate(works):
        data[f"works-{i}-name"] = name
    for assessment, _form in page.context["assessments"]:
        data[f"a{assessment.criterion_id}-met"] = "yes"
        data[f"a{assessment.criterion_id}-explanation"] = "Đạt"
    return data


# --- the stale tab ----------------------------------------------------------------------------
def test_saving_a_stale_tab_changes_nothing_and_shows_what_is_stored(
    client, new_nomination, users, clock
):
    nomination = new_nomination(fill=False)
    client.force_login(users.nominator)
    url = reverse("nominations:edit", args=[nomination.pk])
    first_tab, second_tab = client.get(url), client.get(url)

    saved = client.post(
        url, edit_data(first_tab, summary="Bản của tab một " + SUMMARY, works=["CLB STEM"])
    )
    assert saved.status_code == 302
    stale = client.post(
        url, edit_data(second_tab, summary="Bản của tab hai", works=["Thư viện xanh"])
    )

    assert stale.status_code == 200
    assert "người khác đã lưu thay đổi" in stale.text
    nomination.refresh_from_db()
    assert nomination.achievement_summary.startswith("<p>Bản của tab một")
    assert list(nomination.works.values_list("name", flat=True)) == ["CLB STEM"]
    rows = {label: (stored, typed) for label, stored, typed in stale.context["stale"]}
    assert "Bản của tab một" in rows["Tóm tắt thành tích"][0]
    assert rows["Tóm tắt thành tích"][1] == "Bản của tab hai"
    assert rows["Mô hình, công trình 1: Tên mô hình, công trình"] == ("CLB STEM", "Thư viện xanh")
    # What the user typed is still in the form, now carrying the stored version: having seen
    # both, saving again is a deliberate choice and goes through.
    assert stale.context["content"]["summary"].value() == "Bản của tab hai"
    assert stale.context["content"]["version"].value() == str(nomination.version)
    again = client.post(url, edit_data(stale, summary="Bản của tab hai", works=["Thư viện xanh"]))
    assert again.status_code == 302
    nomination.refresh_from_db()
    assert list(nomination.works.values_list("name", flat=True)) == ["Thư viện xanh"]


def test_the_service_refuses_a_stale_version(new_nomination, users, clock):
    nomination = new_nomination(fill=False)
    read_at = nomination.version
    services.nomination_update(
        actor=users.nominator, nomination=nomination, summary="Mới", expected_version=read_at
    )
    with pytest.raises(StaleVersionError) as caught:
        services.nomination_update(
            actor=users.nominator, nomination=nomination, summary="Cũ", expected_version=read_at
        )
    assert caught.value.current.achievement_summary == "<p>Mới</p>"
    nomination.refresh_from_db()
    assert (nomination.achievement_summary, nomination.version) == ("<p>Mới</p>", read_at + 1)


# --- the double click -------------------------------------------------------------------------
def create_data(page, campaign, person):
    return {
        "phong_trao": campaign.code,
        "form_token": page.context["form"]["form_token"].value(),
        "round": campaign.rounds.get().pk,
        "category": "teacher",
        "title": campaign.titles.get().pk,
        "nominee": f"p{person.pk}",
    }


def test_a_double_click_on_create_makes_one_dossier_and_a_new_form_another(
    client, campaign, users, tree, clock
):
    person = PersonFactory(unit=tree.school_a)
    client.force_login(users.nominator)
    url = reverse("nominations:create")
    page = client.get(url, {"phong_trao": campaign.code})
    data = create_data(page, campaign, person)

    first, second = client.post(url, data), client.post(url, data)

    nomination = Nomination.objects.get(nominee_person=person)
    assert first.url == second.url == reverse("nominations:edit", args=[nomination.pk])
    fresh = client.get(url, {"phong_trao": campaign.code})
    assert client.post(url, create_data(fresh, campaign, person)).status_code == 302
    assert Nomination.objects.filter(nominee_person=person).count() == 2


def test_a_double_click_on_a_council_session_makes_one(client, users, campaign, clock):
    client.force_login(users.secretary)
    url = reverse("nominations:council_list")
    page = client.get(url)
    data = {
        "form_token": page.context["form"]["form_token"].value(),
        "round": campaign.rounds.get().pk,
        "held_on": "15/04/2026",
        "members_total": 9,
        "members_present": 9,
        "threshold_percent": 50,
        "threshold_basis": "present",
    }
    first, second = client.post(url, data), client.post(url, data)
    session = CouncilSession.objects.get()
    assert first.url == second.url == reverse("nominations:council_detail", args=[session.pk])


def test_a_double_click_on_recording_a_decision_records_one(client, placed, users, clock):
    nomination = placed("approved")
    session = services.council_session_create(
        actor=users.secretary,
        unit=nomination.deciding_unit,
        round_=nomination.round,
        held_on=datetime.date(2026, 3, 16),
        members_total=5,
        members_present=5,
        threshold_percent=50,
    )
    client.force_login(users.secretary)
    url = reverse("nominations:council_detail", args=[session.pk])
    page = client.get(url)
    assert 'name="form_token"' in page.text
    data = {
        "record_decision": "1",
        "form_token": "5f0c3a52-6a59-4c1b-9a57-3c1f1d1e2a10",
        "ids": [nomination.pk],
        "number": "15/QĐ-SGDĐT",
        "signed_on": "20/03/2026",
        "issuer": "Giám đốc Sở",
    }
    client.post(url, data)
    client.post(url, data)
    assert Decision.objects.count() == 1
    nomination.refresh_from_db()
    assert nomination.state == State.RECOGNISED


def test_a_double_click_on_a_review_comment_saves_it_once(client, placed, users, clock):
    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    page = client.get(reverse("nominations:detail", args=[nomination.pk]))
    data = {
        "form_token": page.context["review_form"]["form_token"].value(),
        "comment": "Còn thiếu minh chứng tiêu chí 3",
    }
    url = reverse("nominations:review", args=[nomination.pk])
    client.post(url, data)
    client.post(url, data)
    assert nomination.events.filter(kind=EventKind.SCORED).count() == 1


def test_a_double_click_on_a_public_comment_sends_it_once(client, placed, users, campaign, clock):
    nomination = placed("under_review@province")
    consultation = publish(users, campaign, [nomination])
    url = reverse("nominations:consultation_public", args=[consultation.pk])
    page = client.get(url)
    data = form_data(nomination, form_token=page.context["form"]["form_token"].value())
    with later():
        first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ConsultationComment.objects.count() == 1


# --- bounded text and dates -------------------------------------------------------------------
def test_a_summary_over_the_campaigns_word_limit_is_refused_by_form_and_service(
    client, new_nomination, users, campaign, clock
):
    campaign.max_summary_words = 30
    campaign.save()
    nomination = new_nomination(fill=False)
    client.force_login(users.nominator)
    url = reverse("nominations:edit", args=[nomination.pk])
    page = client.get(url)
    assert "tối đa 30" in page.text
    response = client.post(url, edit_data(page, summary="từ " * 31))
    assert response.status_code == 200
    assert "có 31 từ, vượt mức tối đa 30 từ" in response.text
    with pytest.raises(ValidationError, match="vượt mức tối đa 30 từ"):
        services.nomination_update(actor=users.nominator, nomination=nomination, summary="a " * 31)
    nomination.refresh_from_db()
    assert nomination.achievement_summary == ""


def test_nine_megabytes_of_text_are_refused_everywhere(client, new_nomination, users, clock):
    nomination = new_nomination(fill=False)
    huge = "x" * (9 * 1024 * 1024)
    with pytest.raises(ValidationError, match="vượt giới hạn"):
        services.nomination_update(actor=users.nominator, nomination=nomination, summary=huge)
    with pytest.raises(ValidationError, match="vượt giới hạn 5000 ký tự"):
        services.nomination_update(
            actor=users.nominator,
            nomination=nomination,
            works=[{"name": "CLB", "description": huge}],
        )
    client.force_login(users.nominator)
    url = reverse("nominations:edit", args=[nomination.pk])
    data = edit_data(client.get(url), summary="Ngắn", works=["CLB"])
    data["works-0-results"] = huge
    response = client.post(url, data)
    assert response.status_code == 200
    assert "vượt giới hạn 5000 ký tự" in response.text
    nomination.refresh_from_db()
    assert not nomination.works.exists()


def test_a_council_in_year_one_is_refused(client, users, campaign, clock):
    client.force_login(users.secretary)
    response = client.post(
        reverse("nominations:council_list"),
        {
            "round": campaign.rounds.get().pk,
            "held_on": "01/01/0001",
            "members_total": 9,
            "members_present": 9,
            "threshold_percent": 50,
            "threshold_basis": "present",
        },
    )
    assert response.status_code == 200
    assert "nằm ngoài khoảng hợp lệ" in response.text
    assert not CouncilSession.objects.exists()
    with pytest.raises(ValidationError, match="nằm ngoài khoảng hợp lệ"):
        services.council_session_create(
            actor=users.secretary,
            unit=users.secretary.memberships.get().unit,
            round_=campaign.rounds.get(),
            held_on=datetime.date(1, 1, 1),
            members_total=9,
            members_present=9,
            threshold_percent=50,
        )


def test_a_double_click_on_publishing_a_consultation_publishes_once(client, placed, users, clock):
    nomination = placed("under_review@province")
    client.force_login(users.province)
    url = reverse("nominations:consultation_manage")
    page = client.get(url)
    data = {
        "form_token": page.context["form"]["form_token"].value(),
        "dot": page.context["round"].pk,
        "nominations": [nomination.pk],
        "opens_on": "16/03/2026",
        "days": 9,
        "day_count": "calendar",
    }
    first, second = client.post(url, data), client.post(url, data)
    assert Consultation.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_double_click_on_an_upload_or_a_received_title_adds_one(client, placed, users, clock):
    from criteria.models import AchievementRecord
    from tests.factories import title

    nomination = placed("draft")
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:detail", args=[nomination.pk]))
    before = nomination.evidence.count()
    upload = reverse("nominations:evidence_upload", args=[nomination.pk])
    token = page.context["evidence_form"]["form_token"].value()
    client.post(upload, {"form_token": token, "file": pdf()})
    client.post(upload, {"form_token": token, "file": pdf()})
    assert nomination.evidence.count() == before + 1
    received = {
        "form_token": page.context["received_form"]["form_token"].value(),
        "year": 2023,
        "title": title("CSTDCS").pk,
        "decision_number": "7/QĐ-SGDĐT",
        "decision_date": "20/08/2023",
        "issuer": "Sở GDĐT Đà Nẵng",
    }
    url = reverse("nominations:received_title", args=[nomination.pk])
    client.post(url, received)
    client.post(url, received)
    assert AchievementRecord.objects.filter(decision_number="7/QĐ-SGDĐT").count() == 1
