"""The main pages as their users open them, over the `province` demo data, against their limit
views (`bench/limits.py`: the same rows by one hand-written SQL query and a bare template), the
trivial views (the framework's ceiling through the same middleware) and Django's admin change
list over the same dossiers (what a system administrator would otherwise use).

In process, with the test client logged in as the demo users (`demo/units.py`), in the round
open on the bench's day. Every page is timed interleaved with its limit view; the dashboard
with its cache off and the honour board with the cache cleared before each run, so that every
number comes from the database.

Query counts: pages are opened by users of the same role over data of different sizes at the
same scale (a commune's list and the Sở's, a commune's queue and the Sở's, the dossier with the
shortest and the longest timeline, a commune's dashboard and the Sở's, a search and the whole
board); the two counts must be equal, since no page may issue a number of queries that grows
with the rows it lists (DESIGN.md §6). `rows` is what the limit view returned.

The dossier lists of the demo schools are empty (they are kept for the browser journeys), so
the school's list is read by a bench account, nominator at the school with the most dossiers.
"""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from nominations.enums import State
from nominations.models import Nomination
from reporting import dashboards
from units.enums import Role, UnitLevel
from units.models import Membership, Unit, User

from .harness import counting_queries, in_window, interleaved, require, rounded
from .urls import ADMIN_LIST

BENCH_NOMINATOR = "bench.canbo"
SEARCH = "nguyen"
SEARCH_PERSON = "nguyen thi"  # two words, typed without diacritics
# Pages of the same kind over few rows and many: their query counts must be equal.
PAIRS = [
    ("commune_list", "province_list"),
    ("commune_queue", "province_queue"),
    ("short_dossier", "dossier"),
    ("commune_dashboard", "dashboard"),
    ("honour_search", "honour_board"),
    ("people_search", "people"),
]
# The list pages (core.lists): each must stay within LIST_LIMIT times its limit view.
LISTS = [
    "school_list",
    "commune_list",
    "province_list",
    "commune_queue",
    "province_queue",
    "people",
    "people_search",
    "units",
]
LIST_LIMIT = 2.0


def ensure_scale(scale: str) -> None:
    """Seed the demo data at `scale` unless an earlier measure of this run already did: a second
    `seed_demo` adds nothing and costs about 30 s at `province`."""
    from demo.units import SCALES, build_tree

    if Unit.objects.count() >= len(build_tree(SCALES[scale])) and Nomination.objects.exists():
        return
    call_command("seed_demo", "--scale", scale, stdout=io.StringIO())


def bench_nominator() -> tuple[User, Unit]:
    """A nominator at the school (of the Sở's tree) with the most dossiers."""
    fullest = (
        Nomination.objects.filter(
            nominating_unit__level=UnitLevel.SCHOOL,
            nominating_unit__path__startswith=Unit.objects.get(code="SGD-DN").path,
        )
        .values("nominating_unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "nominating_unit")
        .first()
    )
    require(fullest is not None, "no school of the Sở has a dossier")
    school = Unit.objects.get(pk=fullest["nominating_unit"])
    user, _created = User.objects.get_or_create(
        username=BENCH_NOMINATOR, defaults={"full_name": "Cán bộ (đo hiệu năng)"}
    )
    Membership.objects.get_or_create(user=user, unit=school, role=Role.NOMINATOR)
    return user, school


def dossiers_at_province() -> tuple[Nomination, Nomination]:
    """Dossiers under review at the Sở with the shortest and the longest timeline."""
    waiting = (
        Nomination.objects.filter(current_unit__code="SGD-DN", state=State.UNDER_REVIEW)
        .annotate(n=Count("events"))
        .order_by("n", "pk")
    )
    require(waiting.exists(), "no dossier under review at the Sở")
    return waiting.first(), waiting.last()


def dashboard_params(username: str, code: str) -> dict:
    """What the dashboard shows by default to `username` acting for `code`, for its limit."""
    unit = Unit.objects.get(code=code)
    selection = dashboards.select(
        User.objects.get(username=username),
        unit,
        campaign_code="",
        round_value="",
        today=dashboards.today(),
    )
    require(selection.round is not None, f"the dashboard of {code} has no round")
    return {"unit": unit.pk, "campaign": selection.campaign.pk, "round": selection.round.pk}


def _specs() -> dict:
    """name -> (username or None, page URL, page params, limit URL, limit params)."""
    bench_nominator()
    short, long = dossiers_at_province()
    limit_list, limit_queue = "/_bench/limit/list/", "/_bench/limit/queue/"
    return {
        "school_list": (BENCH_NOMINATOR, "/ho-so/", {}, limit_list, {}),
        "commune_list": ("xa.lanhdao", "/ho-so/", {}, limit_list, {}),
        "province_list": ("so.lanhdao", "/ho-so/", {}, limit_list, {}),
        "commune_queue": ("xa.lanhdao", "/hang-cho/", {}, limit_queue, {}),
        "province_queue": ("so.lanhdao", "/hang-cho/", {}, limit_queue, {}),
        "people": ("so.lanhdao", "/ca-nhan/", {}, "/_bench/limit/people/", {}),
        "people_search": (
            "so.lanhdao",
            "/ca-nhan/",
            {"q": SEARCH_PERSON},
            "/_bench/limit/people/",
            {"q": SEARCH_PERSON},
        ),
        "units": ("so.lanhdao", "/don-vi/", {}, "/_bench/limit/units/", {}),
        **{
            name: ("so.lanhdao", f"/ho-so/{d.pk}/", {}, f"/_bench/limit/detail/{d.pk}/", {})
            for name, d in (("short_dossier", short), ("dossier", long))
        },
        "commune_dashboard": (
            "xa.lanhdao",
            "/bang-dieu-khien/",
            {},
            "/_bench/limit/dashboard/",
            dashboard_params("xa.lanhdao", "DN-X001"),
        ),
        "dashboard": (
            "so.lanhdao",
            "/bang-dieu-khien/",
            {},
            "/_bench/limit/dashboard/",
            dashboard_params("so.lanhdao", "SGD-DN"),
        ),
        "honour_board": (None, "/vinh-danh/", {}, "/_bench/limit/honour/", {}),
        "honour_search": (
            None,
            "/vinh-danh/",
            {"q": SEARCH},
            "/_bench/limit/honour/",
            {"q": SEARCH},
        ),
    }


class Clients:
    """One logged-in test client per user, as a browser keeps its session."""

    def __init__(self):
        self.clients = {}

    def __call__(self, username):
        if username not in self.clients:
            client = Client(HTTP_HOST="localhost")
            if username:
                client.force_login(User.objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]


def _getter(client, url, params, *, uncached=False):
    def get():
        if uncached:
            cache.clear()
        response = client.get(url, params)
        require(response.status_code == 200, f"{url} answered {response.status_code}")
        return response

    return get


def _queries(fn) -> int:
    fn()  # warm: templates compiled, session loaded
    with counting_queries() as count:
        fn()
    return count[0]


def _rows(response) -> int:
    body = response.content.decode()
    return body.count("<tr>") or body.count("<li>")


def run(*, scale: str, repeat: int) -> dict:
    with (
        in_window(),
        override_settings(ROOT_URLCONF="bench.urls", DASHBOARD_CACHE_SECONDS=0),
    ):
        if scale != "demo":
            ensure_scale(scale)
        return _measure(Clients(), scale=scale, repeat=repeat)


def _measure(clients, *, scale, repeat) -> dict:
    result = {
        "scale": scale,
        "units": Unit.objects.count(),
        "dossiers": Nomination.objects.count(),
        "repeat": repeat,
        "school": bench_nominator()[1].code,
    }
    trivial = _getter(clients(None), "/_bench/trivial/", {})
    trivial_login = _getter(clients("so.lanhdao"), "/_bench/trivial/login/", {})
    admin = _getter(clients("quantri"), ADMIN_LIST, {})
    admin_search = _getter(clients("quantri"), ADMIN_LIST, {"q": SEARCH})
    for fn in (trivial, trivial_login, admin, admin_search):
        fn()
    trivial_s, trivial_login_s = interleaved(trivial, trivial_login, repeat=repeat * 2)
    admin_s, admin_search_s = interleaved(admin, admin_search, repeat=repeat)
    result["trivial"] = {"median_s": rounded(trivial_s, 5), "queries": _queries(trivial)}
    result["trivial_login"] = {
        "median_s": rounded(trivial_login_s, 5),
        "queries": _queries(trivial_login),
    }
    for key, url, seconds, fn in (
        ("admin_list", ADMIN_LIST, admin_s, admin),
        ("admin_search", f"{ADMIN_LIST}?q={SEARCH}", admin_search_s, admin_search),
    ):
        result[key] = {
            "url": url,
            "median_s": rounded(seconds),
            "queries": _queries(fn),
            "vs_trivial": rounded(seconds / trivial_login_s, 1),
        }
    pages = {}
    for name, (username, url, params, limit_url, limit_params) in _specs().items():
        client = clients(username)
        page = _getter(client, url, params, uncached=True)
        limit = _getter(client, limit_url, limit_params, uncached=True)
        page()
        rows = _rows(limit())
        page_s, limit_s = interleaved(page, limit, repeat=repeat)
        floor = trivial_login_s if username else trivial_s
        pages[name] = {
            "user": username or "anonymous",
            "url": url + (f"?q={params['q'].replace(' ', '+')}" if params.get("q") else ""),
            "rows": rows,
            "median_s": rounded(page_s),
            "queries": _queries(page),
            "limit_median_s": rounded(limit_s),
            "limit_queries": _queries(limit),
            "vs_limit": rounded(page_s / limit_s, 2),
            "vs_trivial": rounded(page_s / floor, 1),
            "vs_admin": rounded(page_s / admin_s, 2),
        }
    result["pages"] = pages
    result["slower_than_admin"] = sorted(n for n, p in pages.items() if p["vs_admin"] > 1)
    result["lists_over_limit"] = sorted(
        n for n in LISTS if n in pages and pages[n]["vs_limit"] > LIST_LIMIT
    )
    result["queries_grow"] = [
        f"{small} {pages[small]['queries']} ({pages[small]['rows']} rows) → "
        f"{big} {pages[big]['queries']} ({pages[big]['rows']} rows)"
        for small, big in PAIRS
        if pages[small]["queries"] != pages[big]["queries"]
    ]
    return result
