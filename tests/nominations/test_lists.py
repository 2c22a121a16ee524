"""The dossier list, the queue and the person picker on core.lists: search without diacritics,
sorting, paging past the old 200-row stop, bulk actions over all matching dossiers as an explicit
choice, export of exactly the filtered rows, and only what the user may open."""

import csv
import io

import pytest
from django.urls import reverse

from nominations.models import Nomination
from tests.conftest import counting_queries
from tests.factories import PersonFactory
from units.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(placed, tree, make_user):
    """Three dossiers under review at the commune: two nominated by school A, one by school B."""
    anh = placed("under_review@commune")
    yen = placed(
        "under_review@commune", person=PersonFactory(unit=tree.school_a, full_name="Bùi Kim Yến")
    )
    other = placed(
        "under_review@commune",
        person=PersonFactory(unit=tree.school_b, full_name="Trần Văn Bình"),
        actor=make_user((tree.school_b, Role.NOMINATOR)),
        nominating_unit=tree.school_b,
    )
    return anh, yen, other


def pks(response):
    return [n.pk for n in response.context["nominations"]]


def test_dossier_list_searches_without_diacritics(client, users, waiting, clock):
    anh, yen, _other = waiting
    client.force_login(users.principal)
    url = reverse("nominations:list")
    assert pks(client.get(url, {"q": "bui kim yen"})) == [yen.pk]
    assert pks(client.get(url, {"q": "Bùi Kim Yến"})) == [yen.pk]
    assert pks(client.get(url, {"q": "nguyen anh"})) == [anh.pk]
    # School B's dossier exists and matches, but is not school A's to open.
    assert pks(client.get(url, {"q": "tran van binh"})) == []


def test_dossier_list_sorts_by_nominee_both_ways(client, users, waiting, clock):
    anh, yen, other = waiting
    client.force_login(users.commune)
    url = reverse("nominations:list")
    assert pks(client.get(url, {"sort": "nominee"})) == [yen.pk, anh.pk, other.pk]
    assert pks(client.get(url, {"sort": "-nominee"})) == [other.pk, anh.pk, yen.pk]


def test_queue_pages_instead_of_stopping(client, users, waiting, clock, monkeypatch):
    from nominations.views import QueueView

    monkeypatch.setattr(QueueView, "page_size", 2)
    client.force_login(users.commune)
    first = client.get(reverse("nominations:queue"), {"sort": "nominee"})
    second = client.get(reverse("nominations:queue"), {"sort": "nominee", "page": 2})
    assert "Hiển thị 1–2 trên 3" in " ".join(first.text.split())
    assert len(pks(first)) == 2
    assert len(pks(second)) == 1
    assert set(pks(first) + pks(second)) == {n.pk for n in waiting}
    assert first.context["matching"] == 3


def test_queue_sorts_by_score_with_unscored_last(client, users, waiting, clock):
    anh, yen, other = waiting
    Nomination.objects.filter(pk=anh.pk).update(score=7)
    Nomination.objects.filter(pk=other.pk).update(score=9)
    client.force_login(users.commune)
    url = reverse("nominations:queue")
    assert pks(client.get(url)) == [other.pk, anh.pk, yen.pk]  # best first by default
    assert pks(client.get(url, {"sort": "-score"})) == [other.pk, anh.pk, yen.pk]
    assert pks(client.get(url, {"sort": "score"})) == [anh.pk, other.pk, yen.pk]


def test_queue_searches_by_unit_code_and_exports_what_it_shows(client, users, waiting, clock):
    _anh, _yen, other = waiting
    client.force_login(users.commune)
    url = reverse("nominations:queue")
    assert pks(client.get(url, {"q": "TH-B"})) == [other.pk]
    response = client.get(url, {"q": "th-b", "export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Trần Văn Bình"]


def test_bulk_forward_all_matching_is_an_explicit_choice(client, users, waiting, clock):
    anh, yen, other = waiting
    client.force_login(users.commune)
    url = reverse("nominations:queue") + "?q=le+loi"  # school A's two dossiers
    page = client.get(url)
    assert page.context["matching"] == 2
    assert "tất cả 2 hồ sơ khớp bộ lọc" in page.text
    # Nothing checked and no "all": nothing moves.
    client.post(url, {"action": "forward", "scope": "checked"})
    assert Nomination.objects.filter(current_unit__code="SGD-DN").count() == 0
    # The list changed since it was read (3 match now, not 2): refused, nothing moves.
    stale = client.post(
        reverse("nominations:queue"),
        {"action": "forward", "scope": "all", "expected": "2"},
        follow=True,
    )
    assert "nay có 3 hồ sơ khớp bộ lọc" in stale.text
    assert Nomination.objects.filter(current_unit__code="SGD-DN").count() == 0
    done = client.post(url, {"action": "forward", "scope": "all", "expected": "2"}, follow=True)
    assert "Đã xử lý 2 hồ sơ." in done.text
    moved = set(Nomination.objects.filter(current_unit__code="SGD-DN").values_list("pk", flat=True))
    assert moved == {anh.pk, yen.pk}
    other.refresh_from_db()
    assert other.current_unit.code == "X-HC"


def test_bulk_all_matching_never_reaches_beyond_the_users_queue(
    client, users, waiting, placed, clock
):
    elsewhere = placed("under_review@province")
    client.force_login(users.commune)
    client.post(reverse("nominations:queue"), {"action": "return", "scope": "all", "expected": "3"})
    elsewhere.refresh_from_db()
    assert elsewhere.state == "under_review"
    assert elsewhere.current_unit.code == "SGD-DN"


@pytest.mark.parametrize(
    ("view", "user", "params"),
    [
        ("nominations:list", "commune", {}),
        ("nominations:list", "commune", {"q": "nguyen", "sort": "-nominee", "state": "draft"}),
        ("nominations:queue", "commune", {}),
        ("nominations:queue", "commune", {"q": "nguyen", "sort": "-score"}),
        ("nominations:council_list", "secretary", {"q": "QĐ", "sort": "-signed_on"}),
    ],
)
def test_lists_query_counts_do_not_grow_with_rows(
    client, placed, users, tree, make_user, view, user, params, clock
):
    placed("under_review@commune")
    client.force_login(getattr(users, user))
    url = reverse(view)
    client.get(url, params)

    def count():
        with counting_queries() as queries:
            assert client.get(url, params).status_code == 200
        return queries[0]

    few = count()
    for _n in range(4):
        placed("under_review@commune", person=PersonFactory(unit=tree.school_a))
    assert count() == few


# --- choosing a person ---------------------------------------------------------------------------
def search(client, campaign, q, **extra):
    response = client.get(
        reverse("nominations:nominee_search"), {"phong_trao": campaign.code, "q": q, **extra}
    )
    assert response.status_code == 200
    return [r["text"].split(" — ")[0] for r in response.json()["results"]]


def test_person_picker_finds_without_diacritics_within_the_units_scope(
    client, campaign, users, tree, people, clock
):
    PersonFactory(unit=tree.school_a, full_name="Bùi Kim Yến")
    PersonFactory(unit=tree.school_b, full_name="Bùi Kim Yên")  # another school's
    PersonFactory(unit=tree.school_a, full_name="Bùi Thị Hoa", is_active=False)  # left
    client.force_login(users.nominator)
    assert search(client, campaign, "bui kim yen", doi_tuong="teacher") == ["Bùi Kim Yến"]
    assert search(client, campaign, "BÙI", doi_tuong="teacher") == ["Bùi Kim Yến"]
    assert search(client, campaign, "tam", doi_tuong="teacher") == ["Lê Văn Tám"]  # the team's
    assert search(client, campaign, "tran thi bich") == []
    # a collective: the units of the school's subtree, by name without diacritics
    assert search(client, campaign, "to 1", doi_tuong="collective") == ["Tổ 1"]
    assert search(client, campaign, "") == []


def test_person_picker_is_only_for_who_may_nominate(client, campaign, users, clock):
    client.force_login(users.viewer)
    url = reverse("nominations:nominee_search")
    assert client.get(url, {"phong_trao": campaign.code, "q": "a"}).status_code == 403
    client.force_login(users.nominator)
    assert client.get(url, {"phong_trao": "NO-SUCH", "q": "a"}).status_code == 404


def test_create_form_refuses_a_person_outside_the_units_scope(
    client, campaign, users, people, clock
):
    client.force_login(users.nominator)
    data = {
        "phong_trao": campaign.code,
        "round": campaign.rounds.get().pk,
        "category": "teacher",
        "title": campaign.titles.get().pk,
    }
    for nominee in (f"p{people.b.pk}", f"p{people.c.pk}", "p", "x1", f"u{people.a.unit_id}x"):
        response = client.post(reverse("nominations:create"), {**data, "nominee": nominee})
        assert response.status_code == 200, nominee
        assert "nominee" in response.context["form"].errors, nominee
    assert not Nomination.objects.exists()
    # the form shows the select with only the chosen person, labelled, when it comes back
    response = client.post(
        reverse("nominations:create"), {**data, "round": "", "nominee": f"p{people.a.pk}"}
    )
    assert f'<option value="p{people.a.pk}" selected>Nguyễn Thị Ánh' in response.text
