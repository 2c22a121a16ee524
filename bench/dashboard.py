"""The dashboard over the `province` demo data (one big province: about 1,500 schools and the
demo dossiers of its Sở's campaign), as the Sở's approver and as a commune's approver, in the
round open on the bench's day. Measured: the page with the cache off (every number from the
database), the page served from the cache, the workbook and the PDF; against two baselines of
the same run: the aggregation alone (`dashboard_numbers`, no request, no template) and a trivial
logged-in page (the notifications inbox)."""

import io

from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from nominations.models import Nomination
from reporting import dashboards
from units.models import Unit, User

from .harness import counting_queries, in_window, interleaved, require, rounded, timed

CAMPAIGN = "SGD-DN-DHTT-2024-2027"
VIEWERS = {"province": ("so.lanhdao", "SGD-DN"), "commune": ("xa.lanhdao", "DN-X001")}


def _measure(username: str, code: str, *, repeat: int) -> dict:
    user = User.objects.get(username=username)
    unit = Unit.objects.get(code=code)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = reverse("reporting:dashboard")

    # The Sở's campaign for both (the commune's own quarterly campaign would be its default).
    query = {"don_vi": code, "phong_trao": CAMPAIGN}

    def get(path=url, params=query):
        response = client.get(path, params)
        require(response.status_code == 200, f"{path}: status {response.status_code}")
        return response

    def select():
        user.__dict__.pop("_memberships_cache", None)  # as a new request would
        user.__dict__.pop("_scope_paths_cache", None)
        return dashboards.select(
            user, unit, campaign_code=CAMPAIGN, round_value="", today=dashboards.today()
        )

    def numbers_alone():
        """What the request computes, without the request and the template."""
        return dashboards.dashboard_numbers(user, select(), today=dashboards.today())

    trivial = reverse("notifications:inbox")
    with override_settings(DASHBOARD_CACHE_SECONDS=0):
        get()  # warm: templates compiled, session loaded
        numbers = numbers_alone()
        get(trivial, {})
        with counting_queries() as queries:
            get()
        cold, alone = interleaved(get, numbers_alone, repeat=repeat)
        _page, floor = interleaved(get, lambda: get(trivial, {}), repeat=repeat)
        workbook_s = timed(lambda: get(reverse("reporting:dashboard_export")))
        pdf_s = timed(lambda: get(reverse("reporting:dashboard_pdf")))
    with override_settings(DASHBOARD_CACHE_SECONDS=60):
        dashboards.retire_now()
        get()  # fills the cache
        with counting_queries() as cached_queries:
            get()
        warm, _floor = interleaved(get, lambda: get(trivial, {}), repeat=repeat)
    return {
        "unit": code,
        "round": select().round.name,
        "dossiers_counted": numbers["breakdown"]["total"],
        "completion_rows": len(numbers["completion"]["children"]),
        "queries_per_page": queries[0],
        "queries_per_cached_page": cached_queries[0],
        "page_median_s": rounded(cold),
        "numbers_alone_median_s": rounded(alone),
        "cached_page_median_s": rounded(warm),
        "trivial_page_median_s": rounded(floor),
        "page_vs_numbers_ratio": rounded(cold / alone, 3),
        "page_vs_trivial_ratio": rounded(cold / floor, 3),
        "cached_vs_trivial_ratio": rounded(warm / floor, 3),
        "workbook_s": rounded(workbook_s),
        "pdf_s": rounded(pdf_s),
    }


def run(*, scale: str, repeat: int) -> dict:
    if scale != "demo":
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    with in_window():
        result = {
            "scale": scale,
            "units": Unit.objects.count(),
            "dossiers": Nomination.objects.count(),
            "repeat": repeat,
        }
        for name, (username, code) in VIEWERS.items():
            result[name] = _measure(username, code, repeat=repeat)
    require(result["dossiers"] > 0, "no demo dossiers: did seed_demo run?")
    return result
