"""core.pagination: every list reads its page number one way; a number past the end shows the
last page, anything else that is not a page shows the first."""

import pytest
from django.urls import reverse

from core.pagination import page_number, query_int
from tests.factories import PersonFactory
from units.views import PersonListView

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 1),
        ("", 1),
        ("2", 2),
        (" 3 ", 3),
        ("4", 3),
        ("99999999999999999999999", 3),
        ("0", 1),
        ("-5", 1),
        ("abc", 1),
        ("9" * 5000, 1),
        ("1e3", 1),
    ],
)
def test_page_number(value, expected):
    assert page_number(value, 3) == expected


def test_an_empty_list_has_its_one_page():
    assert page_number("7", 0) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("-1", None), ("2147483648", None), ("x", None), (None, None)],
)
def test_query_int_keeps_what_a_column_holds(value, expected):
    assert query_int(value) == expected


@pytest.mark.parametrize(
    ("page", "shown"),
    [("2", 2), ("3", 3), ("99999999999999999999999", 3), ("abc", 1), ("-2", 1)],
)
def test_a_list_view_clamps_its_page(client, nominator_a, tree, monkeypatch, page, shown):
    monkeypatch.setattr(PersonListView, "page_size", 1)
    for i in range(3):
        PersonFactory(unit=tree.school_a, full_name=f"Giáo viên {i}")
    client.force_login(nominator_a)
    response = client.get(reverse("units:person_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["table"].page.number == shown


@pytest.mark.parametrize(
    "name",
    [
        "nominations:list",
        "notifications:inbox",
        "units:unit_list",
        "campaigns:list",
        "criteria:registry",
        "yearly:index",
    ],
)
def test_other_lists_clamp_too(client, nominator_a, name):
    client.force_login(nominator_a)
    for page in ("99999999999999999999999", "abc"):
        response = client.get(reverse(name), {"page": page})
        assert response.status_code == 200
        assert response.context["table"].page.number == 1


@pytest.mark.parametrize("page", ["99999999999999999999999", "abc", "-1"])
def test_the_honour_board_clamps_its_page(client, page):
    response = client.get(reverse("reporting:honour_board"), {"trang": page, "nam": page})
    assert response.status_code == 200
    assert response.context["number"] == 1
