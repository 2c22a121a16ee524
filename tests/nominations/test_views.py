import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from nominations import services
from nominations.enums import Action, State
from nominations.models import Evidence, Nomination
from tests.factories import SUMMARY, PersonFactory
from tests.factories import pdf_upload as pdf
from tests.factories import photo_upload as photo
from units.enums import Role

pytestmark = pytest.mark.django_db

NOMINATION_URLS = [
    ("nominations:detail", "get"),
    ("nominations:edit", "get"),
    ("nominations:photo", "get"),
    ("nominations:review", "post"),
    ("nominations:evidence_upload", "post"),
]


def test_a_sibling_school_gets_404_on_every_nomination_url(client, placed, users, clock):
    nomination = placed("under_review@commune")
    evidence = nomination.evidence.first()
    client.force_login(users.sibling)
    for name, method in NOMINATION_URLS:
        response = getattr(client, method)(reverse(name, args=[nomination.pk]))
        assert response.status_code == 404, name
    for action in Action.values:
        url = reverse("nominations:transition", args=[nomination.pk, action])
        assert client.post(url, {"reason": "x"}).status_code == 404
    for name in ("nominations:evidence_download", "nominations:evidence_delete"):
        method = "get" if name.endswith("download") else "post"
        url = reverse(name, args=[nomination.pk, evidence.pk])
        assert getattr(client, method)(url).status_code == 404
    assert nomination.pk not in [
        n.pk for n in client.get(reverse("nominations:list")).context["nominations"]
    ]
    nomination.refresh_from_db()
    assert nomination.state == State.UNDER_REVIEW


def test_a_higher_unit_does_not_see_a_draft_until_it_arrives(client, placed, users, clock):
    draft = placed("draft")
    client.force_login(users.province)
    assert client.get(reverse("nominations:detail", args=[draft.pk])).status_code == 404
    client.force_login(users.principal)
    client.post(reverse("nominations:transition", args=[draft.pk, "submit"]))
    client.force_login(users.commune)
    assert client.get(reverse("nominations:detail", args=[draft.pk])).status_code == 200
    client.force_login(users.province)
    assert client.get(reverse("nominations:detail", args=[draft.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, placed, clock):
    nomination = placed("draft")
    response = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert response.status_code == 302
    assert "dang-nhap" in response.url


def test_nominator_creates_fills_and_the_principal_submits(client, campaign, users, tree, clock):
    person = PersonFactory(unit=tree.school_a, full_name="Phạm Minh Châu")
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:create"), {"phong_trao": campaign.code})
    assert page.status_code == 200
    response = client.post(
        reverse("nominations:create"),
        {
            "phong_trao": campaign.code,
            "round": campaign.rounds.get().pk,
            "category": "teacher",
            "title": campaign.titles.get().pk,
            "nominee": f"p{person.pk}",
        },
    )
    nomination = Nomination.objects.get(nominee_person=person)
    assert response.url == reverse("nominations:edit", args=[nomination.pk])

    form = client.get(response.url).context
    data = {
        "summary": SUMMARY + "<script>alert(1)</script>",
        "video_links": "https://youtu.be/x",
        "photo": photo(),
        "photo_public": "on",
        "cv_hometown": "Đà Nẵng",
        "works-TOTAL_FORMS": 1,
        "works-INITIAL_FORMS": 0,
        "works-MIN_NUM_FORMS": 0,
        "works-MAX_NUM_FORMS": 1000,
        "works-0-name": "Câu lạc bộ STEM",
        "works-0-results": "30 học sinh đạt giải",
    }
    for assessment, _form in form["assessments"]:
        data[f"a{assessment.criterion_id}-met"] = "yes"
        data[f"a{assessment.criterion_id}-explanation"] = "Có minh chứng kèm theo"
    assert client.post(reverse("nominations:edit", args=[nomination.pk]), data).status_code == 302
    nomination.refresh_from_db()
    assert "<script>" not in nomination.achievement_summary
    assert nomination.works.get().name == "Câu lạc bộ STEM"
    assert nomination.cv["hometown"] == "Đà Nẵng"
    assert nomination.cv["full_name"] == person.full_name  # the form's fields add, never wipe
    for assessment in nomination.assessments.select_related("criterion"):
        if assessment.criterion.evidence_required:
            client.post(
                reverse("nominations:evidence_upload", args=[nomination.pk]),
                {"file": pdf(), "criterion": assessment.criterion_id},
            )
    assert Evidence.objects.filter(nomination=nomination).exists()
    detail = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert "submit" not in [t.action for t, _l, _f in detail.context["actions"]]  # nominators draft

    client.force_login(users.principal)
    detail = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert detail.context["problems"] == []
    client.post(
        reverse("nominations:transition", args=[nomination.pk, "submit"]),
        {"version": nomination.version},
    )
    nomination.refresh_from_db()
    assert (nomination.state, nomination.current_unit) == (State.UNDER_REVIEW, tree.commune)


def test_evidence_download_is_an_attachment_and_is_logged(client, placed, users, clock):
    nomination = placed("under_review@commune")
    evidence = nomination.evidence.first()
    client.force_login(users.commune)
    response = client.get(
        reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk])
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)
    assert nomination.events.filter(kind="downloaded", actor=users.commune).exists()


def test_queue_shows_quota_and_deadline_and_bulk_forwards(client, placed, users, campaign, clock):
    campaign_services.quota_save(
        actor=users.admin,
        rounds=[campaign.rounds.get()],
        level="commune",
        category="",
        max_forward=1,
        min_target=None,
    )
    first, second = placed("under_review@commune"), placed("under_review@commune")
    client.force_login(users.commune)
    page = client.get(reverse("nominations:queue"))
    assert "Đã chuyển 0/1 — hạn chót 10/04/2026, còn 25 ngày" in " ".join(page.text.split())
    response = client.post(
        reverse("nominations:queue"),
        {"action": "forward", "ids": [first.pk, second.pk]},
        follow=True,
    )
    assert "Đã xử lý 1 hồ sơ." in response.text
    assert "đã gửi đủ 1 hồ sơ" in response.text
    assert Nomination.objects.filter(current_unit__code="SGD-DN").count() == 1


def test_queue_filters_by_eligibility_and_unit(client, placed, users, clock):
    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    assert (
        list(
            client.get(reverse("nominations:queue"), {"eligibility": "fail"}).context["nominations"]
        )
        == []
    )
    assert list(
        client.get(reverse("nominations:queue"), {"eligibility": "pass", "q": "TH-A"}).context[
            "nominations"
        ]
    ) == [nomination]


def count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("view", "user"), [("nominations:list", "principal"), ("nominations:queue", "commune")]
)
def test_list_pages_have_constant_query_counts(client, placed, users, view, user, clock):
    placed("under_review@commune")
    client.force_login(getattr(users, user))
    client.get(reverse(view))
    one = count(client, reverse(view))
    placed("under_review@commune")
    placed("under_review@commune")
    assert count(client, reverse(view)) == one


def test_council_session_vote_approve_and_decision_through_the_pages(
    client, placed, users, campaign, tree, clock
):
    campaign.requires_council_vote = True
    campaign.save()
    nomination = placed("under_review@province")
    client.force_login(users.secretary)
    response = client.post(
        reverse("nominations:council_list"),
        {
            "round": campaign.rounds.get().pk,
            "held_on": "15/04/2026",
            "members_total": 9,
            "members_present": 9,
            "member_names": "…",
            "threshold_percent": 50,
            "threshold_basis": "present",
            "threshold_strict": "on",
        },
    )
    session_url = response.url
    client.post(
        session_url,
        {
            "nomination": nomination.pk,
            f"n{nomination.pk}-votes_for": 7,
            f"n{nomination.pk}-votes_against": 2,
            f"n{nomination.pk}-votes_abstain": 0,
        },
    )
    client.force_login(users.province)
    client.post(reverse("nominations:transition", args=[nomination.pk, "approve"]))
    nomination.refresh_from_db()
    assert nomination.state == State.APPROVED
    client.force_login(users.secretary)
    client.post(
        session_url,
        {
            "record_decision": "1",
            "ids": [nomination.pk],
            "number": "15/QĐ-SGDĐT",
            "signed_on": "20/04/2026",
            "issuer": "Giám đốc Sở GDĐT Đà Nẵng",
        },
    )
    nomination.refresh_from_db()
    assert (nomination.state, nomination.decision.number, nomination.decision.signed_on) == (
        State.RECOGNISED,
        "15/QĐ-SGDĐT",
        datetime.date(2026, 4, 20),
    )
    timeline = client.get(reverse("nominations:detail", args=[nomination.pk])).text
    assert "ghi quyết định khen thưởng số 15/QĐ-SGDĐT" in timeline


def test_internal_comments_stay_with_the_reviewers(client, placed, users, clock):
    nomination = placed("under_review@commune")
    services.review_save(
        actor=users.commune,
        nomination=nomination,
        scores={},
        comment="Nội bộ: còn yếu phần minh chứng",
        comment_visible=False,
    )
    client.force_login(users.commune)
    assert "Nội bộ: còn yếu" in client.get(reverse("nominations:detail", args=[nomination.pk])).text
    client.force_login(users.principal)
    assert (
        "Nội bộ: còn yếu"
        not in client.get(reverse("nominations:detail", args=[nomination.pk])).text
    )


def test_titles_already_received_come_from_the_registry_and_can_be_completed(
    client, placed, users, clock
):
    from criteria.models import AchievementRecord
    from tests.factories import RecordFactory, title

    nomination = placed("draft")
    RecordFactory(
        person=nomination.nominee_person,
        year=2024,
        kind="title",
        title=title("LDTT"),
        decision_number="12/QĐ",
    )
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:detail", args=[nomination.pk]))
    assert [r.decision_number for r in page.context["received"]] == ["12/QĐ"]
    client.post(
        reverse("nominations:received_title", args=[nomination.pk]),
        {
            "year": 2023,
            "title": title("CSTDCS").pk,
            "decision_number": "7/QĐ-SGDĐT",
            "decision_date": "20/08/2023",
            "issuer": "Sở GDĐT Đà Nẵng",
        },
    )
    record = AchievementRecord.objects.get(decision_number="7/QĐ-SGDĐT")
    assert (record.person, record.year, record.source, record.created_by) == (
        nomination.nominee_person,
        2023,
        "manual",
        users.nominator,
    )
    assert nomination.events.filter(kind="edited", data__record=record.pk).exists()
    client.force_login(users.commune)  # not an editor of this dossier
    assert (
        client.post(
            reverse("nominations:received_title", args=[nomination.pk]),
            {
                "year": 2022,
                "title": title("LDTT").pk,
                "decision_number": "x",
                "decision_date": "01/08/2022",
                "issuer": "x",
            },
        ).status_code
        == 404
    )


def test_submitting_a_duplicate_warns_the_submitter(
    client, new_nomination, users, tree, make_user, clock
):
    from tests.factories import PersonFactory

    first = new_nomination()
    nominator_b = make_user((tree.school_b, Role.NOMINATOR))
    principal_b = make_user((tree.school_b, Role.APPROVER))
    twin = PersonFactory(
        unit=tree.school_b, full_name="Nguyễn Thị Ánh", birth_date=first.nominee_person.birth_date
    )
    second = new_nomination(person=twin, actor=nominator_b, nominating_unit=tree.school_b)
    client.force_login(principal_b)
    response = client.post(
        reverse("nominations:transition", args=[second.pk, "submit"]), follow=True
    )
    assert "Trường Tiểu học Lê Lợi cũng có hồ sơ cho cùng cá nhân" in response.text


def test_decision_register_lists_the_units_decisions(client, placed, users, clock):
    nomination = placed("approved")
    services.decide(
        actor=users.secretary,
        nominations=[nomination],
        action=Action.RECOGNISE,
        number="55/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 4, 20),
        issuer="Giám đốc",
    )
    client.force_login(users.secretary)
    register = client.get(reverse("nominations:council_list")).context["decisions"]
    assert [(d.number, d.awarded) for d in register] == [("55/QĐ-SGDĐT", 1)]


def test_council_page_query_count_does_not_grow_with_sessions_and_decisions(
    client, placed, users, campaign, tree, clock
):
    def add_session_and_decision(n):
        services.council_session_create(
            actor=users.secretary,
            unit=tree.danang,
            round_=campaign.rounds.get(),
            held_on=datetime.date(2026, 4, n),
            members_total=9,
            members_present=9,
            threshold_percent=50,
            threshold_basis="present",
            threshold_strict=True,
        )
        services.decide(
            actor=users.secretary,
            nominations=[placed("approved")],
            action=Action.RECOGNISE,
            number=f"{n}/QĐ",
            signed_on=datetime.date(2026, 4, n),
            issuer="Giám đốc",
        )

    add_session_and_decision(1)
    client.force_login(users.secretary)
    url = reverse("nominations:council_list")
    client.get(url)
    one = count(client, url)
    add_session_and_decision(2)
    add_session_and_decision(3)
    assert count(client, url) == one


def test_list_and_queue_export_what_the_page_shows(client, placed, users, clock):
    import csv
    import io

    shown = placed("under_review@commune")
    placed("draft")
    from nominations.models import Nomination

    Nomination.objects.filter(pk=shown.pk).update(achievement_summary="=cmd|' /C calc'!A0")
    client.force_login(users.commune)
    response = client.get(reverse("nominations:queue"), {"export": "csv", "state": "under_review"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Cá nhân, tập thể", "Loại", "Chức vụ"]
    assert len(rows) == 2  # only what waits at the commune, not the school's draft
    assert rows[1][7] == "Đang xét"
    client.force_login(users.principal)
    response = client.get(reverse("nominations:list"), {"export": "xlsx", "state": "draft"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[7] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Đang soạn"]


def test_list_pages_through_ids_and_flags_duplicates(
    client, placed, users, tree, make_user, clock, monkeypatch
):
    """The list picks a page of ids, then loads those rows (selectors.rows_in_order): the
    order, the pages and the duplicate flag must be those of the one-query version."""
    from nominations.views.dossier import NominationListView
    from tests.factories import PersonFactory

    monkeypatch.setattr(NominationListView, "page_size", 2)
    first = placed("under_review@commune")
    twin = PersonFactory(
        unit=tree.school_b, full_name="Nguyễn Thị Ánh", birth_date=first.nominee_person.birth_date
    )
    second = placed(
        "under_review@commune",
        person=twin,
        actor=make_user((tree.school_b, Role.NOMINATOR)),
        nominating_unit=tree.school_b,
    )
    third = placed("under_review@commune", person=PersonFactory(unit=tree.school_a))
    start = timezone.now()
    for minutes, nomination in enumerate([second, third, first], 1):  # first changed last
        Nomination.objects.filter(pk=nomination.pk).update(
            updated_at=start + datetime.timedelta(minutes=minutes)
        )
    client.force_login(users.commune)
    page_one = client.get(reverse("nominations:list")).context["nominations"]
    page_two = client.get(reverse("nominations:list"), {"page": 2}).context["nominations"]
    assert [n.pk for n in page_one] == [first.pk, third.pk]
    assert [n.pk for n in page_two] == [second.pk]
    assert [n.has_duplicates for n in [*page_one, *page_two]] == [True, False, True]
    assert page_one[0].nominating_unit == tree.school_a  # relations come with the rows
    page = client.get(reverse("nominations:list"))
    assert page.text.count('<span class="badge text-bg-light border">Đang xét</span>') == 2
    client.cookies["django_language"] = "en"
    queue = client.get(reverse("nominations:queue")).text
    assert queue.count("· Teacher or lecturer</div>") == 3  # labels in the reader's language


def test_dossier_page_query_count_does_not_grow_with_its_content(
    client, placed, users, tree, make_user, clock
):
    """Reviews, evidence, works, the timeline: each list on the dossier page is one query."""
    nomination = placed("under_review@province")
    client.force_login(users.province)
    url = reverse("nominations:detail", args=[nomination.pk])
    client.get(url)
    one = count(client, url)
    for i in range(3):
        services.review_save(
            actor=make_user((tree.danang, Role.APPROVER)),
            nomination=nomination,
            scores={},
            comment=f"Nhận xét {i}",
            comment_visible=True,
        )
        Evidence.objects.create(
            nomination=nomination,
            file=pdf(),
            original_name=f"mc{i}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=users.principal,
        )
        nomination.works.create(name=f"Mô hình {i}", order=i)
        services.record_download(actor=users.province, nomination=nomination, what=f"mc{i}.pdf")
    assert count(client, url) == one


def test_one_dossier_is_visible_exactly_when_it_is_in_the_users_list(
    placed, users, tree, make_user, clock
):
    """`nominations_visible_to(user, pk=…)` (what every dossier URL uses) reads the chain of
    that dossier only; it must agree with the whole list for every role and place."""
    from nominations.selectors import nominations_visible_to

    dossiers = [placed(place) for place in ("draft", "under_review@commune", "returned")]
    dossiers += [placed("approved"), placed("withdrawn")]
    team_member = make_user((tree.team_a, Role.NOMINATOR))
    seen = {}
    for user in [*vars(users).values(), team_member]:
        listed = set(nominations_visible_to(user).values_list("pk", flat=True))
        for nomination in dossiers:
            alone = list(nominations_visible_to(user, pk=nomination.pk))
            assert [n.pk for n in alone] == ([nomination.pk] if nomination.pk in listed else [])
        seen[user] = listed
    assert seen[users.principal] == {n.pk for n in dossiers}
    # A subject team is below the school that drew the dossiers up: it does not see them (a
    # role at a unit says nothing about what the unit's parent nominated).
    assert seen[team_member] == set()
