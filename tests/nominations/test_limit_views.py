"""The benchmark's limit views (bench/limits.py) are baselines only if they fetch what the pages
show: the same dossiers, in the same order, for the same user, and nothing a user may not see."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting import dashboards
from units.enums import Role

pytestmark = pytest.mark.django_db

FIRST_CELL = re.compile(r"<tr><td>(\d+)</td>")


@pytest.fixture(autouse=True)
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.fixture
def dossiers(placed):
    return [
        placed(place)
        for place in (
            "draft",
            "under_review@commune",
            "under_review@commune",
            "under_review@province",
            "returned",
            "approved",
        )
    ]


def ids_of_limit(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [int(pk) for pk in FIRST_CELL.findall(response.content.decode())]


@pytest.mark.parametrize("who", ["principal", "commune", "province", "sibling", "viewer"])
def test_the_list_limit_returns_the_lists_rows(client, dossiers, users, who, clock):
    client.force_login(getattr(users, who))
    page = client.get(reverse("nominations:list"))
    assert ids_of_limit(client, "/_bench/limit/list/") == [
        n.pk for n in page.context["nominations"]
    ]
    if who == "sibling":
        assert page.context["nominations"] == []


@pytest.mark.parametrize("who", ["commune", "province"])
def test_the_queue_limit_returns_the_queues_rows(client, dossiers, users, who, clock):
    client.force_login(getattr(users, who))
    page = client.get(reverse("nominations:queue"))
    rows = [n.pk for n in page.context["nominations"]]
    assert rows  # something waits at both units
    assert ids_of_limit(client, "/_bench/limit/queue/") == rows


def test_the_dossier_limit_shows_what_the_page_shows(
    client, dossiers, users, tree, make_user, clock
):
    team_member = make_user((tree.team_a, Role.NOMINATOR))
    for user in [*vars(users).values(), team_member]:
        client.force_login(user)
        for nomination in dossiers:
            page = client.get(reverse("nominations:detail", args=[nomination.pk]))
            limit = client.get(f"/_bench/limit/detail/{nomination.pk}/")
            assert (page.status_code, limit.status_code) in ((200, 200), (404, 404))


def test_limits_need_the_login_their_pages_need(client, dossiers):
    for url in ("/_bench/limit/list/", "/_bench/limit/queue/", "/_bench/trivial/login/"):
        assert client.get(url).status_code == 302
    assert client.get("/_bench/limit/honour/").status_code == 200  # the board is public


@pytest.mark.parametrize(("who", "unit"), [("province", "danang"), ("commune", "commune")])
def test_the_dashboard_limit_counts_what_the_dashboard_counts(
    client, dossiers, users, tree, who, unit, clock
):
    user, unit, today = getattr(users, who), getattr(tree, unit), timezone.localdate()
    selection = dashboards.select(user, unit, campaign_code="", round_value="", today=today)
    numbers = dashboards.dashboard_numbers(user, selection, today=today)
    client.force_login(user)
    params = {"unit": unit.pk, "campaign": selection.campaign.pk, "round": selection.round.pk}
    body = client.get("/_bench/limit/dashboard/", params).content.decode()
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]
    breakdown = [r for r in rows if r[0] == "b"]
    assert sum(int(r[5]) for r in breakdown) == numbers["breakdown"]["total"] > 0
    by_state = {}
    for r in breakdown:
        by_state[r[1]] = by_state.get(r[1], 0) + int(r[5])
    assert by_state == {code: n for code, n in numbers["breakdown"]["state"] if n}
    completion = {r[1] for r in rows if r[0] == "c"}
    assert completion == {unit.code} | {c["code"] for c in numbers["completion"]["children"]}
