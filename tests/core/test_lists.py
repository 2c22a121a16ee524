"""core.lists: every list sorts by column, says "showing 1–50 of N", keeps its filters in the
URL, searches names without diacritics over stored folded keys, exports exactly the filtered
rows, shows only what the user may open, and issues as many queries for many rows as for few."""

import csv
import io

import pytest
from django.urls import reverse

from core.fields import fold_keys
from core.lists import folded_search_q
from core.text import fold
from notifications.models import Message
from tests.conftest import counting_queries
from tests.factories import PersonFactory, RecordFactory, UnitFactory, title
from units.enums import Role
from units.models import Person, Unit

pytestmark = pytest.mark.django_db


def names(response, key="people"):
    return [str(row) for row in response.context[key]]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def queries(client, url, params=None) -> int:
    with counting_queries() as count:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return count[0]


# --- folded keys ----------------------------------------------------------------------------------
def test_folded_keys_are_kept_on_save_and_on_bulk_insert(tree):
    person = PersonFactory(unit=tree.school_a, full_name="Bùi Kim Yến")
    assert person.name_key == "bui kim yen"
    person.full_name = "ĐẶNG  Thị  Ánh"
    person.save()
    assert Person.objects.get(pk=person.pk).name_key == "dang thi anh"
    # bulk_create (the demo seeder, the people import's new rows) calls the field's pre_save too
    [bulk] = Person.objects.bulk_create([Person(unit=tree.school_a, full_name="Lò Thị Ưng")])
    assert Person.objects.get(pk=bulk.pk).name_key == "lo thi ung"
    # bulk_update does not: its callers refresh the keys (the people import does)
    bulk.full_name = "Hà Văn Đức"
    fold_keys([bulk])
    Person.objects.bulk_update([bulk], ["full_name", "name_key"])
    assert Person.objects.get(pk=bulk.pk).name_key == "ha van duc"
    assert Unit.objects.get(pk=tree.school_a.pk).name_key == "truong tieu hoc le loi"


def test_search_needs_every_word_in_one_of_the_keys():
    assert folded_search_q("   ") is None
    condition = folded_search_q("Bùi  YẾN", keys=("name_key",), codes=("identifier",))
    assert "bui" in str(condition)
    assert "yen" in str(condition)


# --- people and units -----------------------------------------------------------------------------
def test_people_search_without_diacritics(client, nominator_a, tree, people):
    PersonFactory(unit=tree.school_a, full_name="Bùi Kim Yến")
    client.force_login(nominator_a)
    url = reverse("units:person_list")
    for typed in ("bui kim yen", "Bùi Kim Yến", "BUI YEN", "kim"):
        assert names(client.get(url, {"q": typed})) == ["Bùi Kim Yến"], typed
    assert names(client.get(url, {"q": "tam"})) == ["Lê Văn Tám"]


def test_people_search_stays_in_scope(client, nominator_a, tree, people):
    client.force_login(nominator_a)
    url = reverse("units:person_list")
    # School B's and Gia Lai's people exist but are not the school A nominator's to see.
    assert names(client.get(url, {"q": "tran thi bich"})) == []
    assert names(client.get(url, {"q": "hlim"})) == []
    assert names(client.get(url, {"unit": "TH-B"})) == []
    assert sorted(names(client.get(url))) == ["Lê Văn Tám", "Nguyễn Thị Ánh"]
    rows = csv_rows(client.get(url, {"export": "csv", "q": "tran"}))
    assert rows[1:] == []


def test_people_sort_by_name_and_unit_both_ways(client, province_admin, tree, people):
    client.force_login(province_admin)
    url = reverse("units:person_list")
    ascending = names(client.get(url, {"sort": "full_name"}))
    assert ascending == ["Lê Văn Tám", "Nguyễn Thị Ánh", "Trần Thị Bích"]
    assert names(client.get(url, {"sort": "-full_name"})) == ascending[::-1]
    by_unit = [p.unit.name for p in client.get(url, {"sort": "unit"}).context["people"]]
    assert by_unit == sorted(by_unit, key=fold)  # "Tổ 1" before "Trường...": no diacritics
    # a column that does not exist is ignored, not an error
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_list_says_which_rows_it_shows_and_keeps_the_filters_in_its_links(
    client, province_admin, tree, monkeypatch
):
    from units.views import PersonListView

    monkeypatch.setattr(PersonListView, "page_size", 2)
    for n in range(5):
        PersonFactory(unit=tree.school_a, full_name=f"Nguyễn Văn {n}")
    client.force_login(province_admin)
    response = client.get(
        reverse("units:person_list"), {"q": "nguyen", "sort": "-full_name", "page": 2}
    )
    text = " ".join(response.text.split())
    assert "Hiển thị 3–4 trên 5" in text
    assert names(response) == ["Nguyễn Văn 2", "Nguyễn Văn 1"]
    # paging and sorting links keep the search; the export link too, without the page
    assert "?q=nguyen&amp;sort=-full_name&amp;page=3" in response.text
    assert "?q=nguyen&amp;sort=-full_name&amp;export=csv" in response.text
    client.cookies["django_language"] = "en"
    english = client.get(reverse("units:person_list"), {"q": "nguyen", "page": 1})
    assert "Showing 1–2 of 5" in " ".join(english.text.split())


def test_people_export_is_exactly_the_filtered_rows_in_the_tables_order(
    client, province_admin, tree, people
):
    PersonFactory(unit=tree.school_b, full_name="Bùi Kim Yến")
    client.force_login(province_admin)
    url = reverse("units:person_list")
    shown = names(client.get(url, {"q": "thi", "sort": "-full_name"}))
    rows = csv_rows(client.get(url, {"q": "thi", "sort": "-full_name", "export": "csv"}))
    assert rows[0][:2] == ["Mã định danh", "Họ và tên"]  # the import's Vietnamese headings
    assert [r[1] for r in rows[1:]] == shown == ["Trần Thị Bích", "Nguyễn Thị Ánh"]
    # the older address still answers with the same rows
    old = csv_rows(client.get(reverse("units:person_export"), {"q": "thi", "format": "csv"}))
    assert sorted(r[1] for r in old[1:]) == sorted(shown)


def test_units_search_and_export(client, province_admin, tree):
    client.force_login(province_admin)
    url = reverse("units:unit_list")
    found = client.get(url, {"q": "tieu hoc tran phu"}).context["units"]
    assert [u.code for u in found] == ["TH-B"]
    assert [u.code for u in client.get(url, {"q": "th-a"}).context["units"]] == ["TH-A", "TH-A-T1"]
    rows = csv_rows(client.get(url, {"q": "truong", "export": "csv"}))
    assert sorted(r[0] for r in rows[1:]) == ["TH-A", "TH-B"]  # never Gia Lai's school


# --- the registry ---------------------------------------------------------------------------------
def test_registry_lists_searches_and_exports_the_users_scope(client, nominator_a, tree, people):
    dhtt = title("DHTT")
    RecordFactory(person=people.a, year=2023, title=dhtt, scope="province")
    RecordFactory(person=people.b, year=2024, title=dhtt, scope="province")
    RecordFactory(person=people.c, year=2024, title=dhtt, scope="province")
    client.force_login(nominator_a)
    url = reverse("criteria:registry")
    shown = client.get(url).context["records"]
    assert [r.person for r in shown] == [people.a]
    assert [r.person for r in client.get(url, {"q": "nguyen anh"}).context["records"]] == [people.a]
    assert list(client.get(url, {"q": "tran thi bich"}).context["records"]) == []
    assert list(client.get(url, {"don_vi": "TH-B"}).context["records"]) == []
    rows = csv_rows(client.get(url, {"export": "csv"}))
    assert [r[2] for r in rows[1:]] == ["Nguyễn Thị Ánh"]


# --- the notices ----------------------------------------------------------------------------------
def test_inbox_search_without_diacritics_and_unread_filter(client, nominator_a):
    for n, subject in enumerate(["Hồ sơ bị trả lại", "Sắp đến hạn chót", "Hồ sơ đã được duyệt"]):
        Message.objects.create(
            key=f"k{n}", recipient=nominator_a, kind="test", subject=subject, body="..."
        )
    Message.objects.filter(key="k2").update(read_at="2026-01-01T00:00Z")
    client.force_login(nominator_a)
    url = reverse("notifications:inbox")
    subjects = [m.subject for m in client.get(url, {"q": "ho so"}).context["notices"]]
    assert sorted(subjects) == ["Hồ sơ bị trả lại", "Hồ sơ đã được duyệt"]
    unread = [
        m.subject for m in client.get(url, {"q": "ho so", "unread": "true"}).context["notices"]
    ]
    assert unread == ["Hồ sơ bị trả lại"]


# --- query counts at two sizes --------------------------------------------------------------------
def grow(tree, make_user, n):
    """n more of everything the lists below show, inside the Sở Đà Nẵng."""
    base = Unit.objects.count()
    for i in range(n):
        school = UnitFactory(code=f"TH-G{base}-{i}", name=f"Trường số {i}", parent=tree.commune)
        person = PersonFactory(unit=school, full_name=f"Đỗ Văn {base}-{i}")
        RecordFactory(person=person, year=2024, title=title("DHTT"), scope="province")


@pytest.mark.parametrize(
    "view", ["units:person_list", "units:unit_list", "criteria:registry", "campaigns:list"]
)
def test_lists_issue_as_many_queries_for_many_rows_as_for_few(
    client, province_admin, tree, make_user, view
):
    grow(tree, make_user, 1)
    client.force_login(province_admin)
    url = reverse(view)
    client.get(url)  # warm the session
    few = queries(client, url), queries(client, url, {"q": "do van", "sort": "-" + "full_name"})
    grow(tree, make_user, 60)  # more than a page
    many = queries(client, url), queries(client, url, {"q": "do van", "sort": "-" + "full_name"})
    assert many == few


def test_inbox_query_count_does_not_grow(client, nominator_a):
    client.force_login(nominator_a)
    url = reverse("notifications:inbox")
    Message.objects.create(key="k", recipient=nominator_a, kind="t", subject="Một", body="")
    client.get(url)
    few = queries(client, url)
    Message.objects.bulk_create(
        Message(key=f"k{n}", recipient=nominator_a, kind="t", subject=f"Thư {n}", body="")
        for n in range(40)
    )
    assert queries(client, url) == few


def test_a_role_without_a_unit_still_gets_its_lists(client, make_user, tree):
    viewer = make_user((tree.commune, Role.VIEWER))
    client.force_login(viewer)
    for name in ("units:person_list", "units:unit_list", "criteria:registry", "campaigns:list"):
        assert client.get(reverse(name), {"q": "x", "sort": "nope", "page": "x"}).status_code == 200
