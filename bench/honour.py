"""The public honour board over the `province` demo data (about 1,000 recognised exemplars among
3,000 dossiers), as an anonymous visitor sees it.

Each page is timed uncached (the cache is cleared before every run) against its **limit**: the
same rows fetched by one hand-written SQL query and rendered by a bare template, i.e. what the
page would cost with nothing of ours around it (the SQL is `bench/limits.py`'s, whose view
serves it over HTTP to `bench/pages.py` and the load test). The cached board is timed against
`/healthz`, the cheapest page through the same middleware."""

import io

from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from nominations.enums import State
from nominations.models import Nomination

from . import limits
from .harness import counting_queries, interleaved, require, rounded

SEARCH = "nguyen"


def _limit(where: str = "", params=()):
    """The limit view's work (bench/limits.py), without the request around it."""

    def run():
        return limits.honour_render(where, params)

    return run


def _page(client, url, **params):
    def run():
        cache.clear()
        response = client.get(url, params)
        require(response.status_code == 200, f"{url} answered {response.status_code}")

    return run


def _queries(fn) -> int:
    with counting_queries() as count:
        fn()
    return count[0]


def run(*, scale: str, repeat: int) -> dict:
    if scale != "demo":
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    recognised = Nomination.objects.filter(state=State.RECOGNISED)
    total = recognised.count()
    require(total >= 20, f"only {total} recognised exemplars to show")
    client = Client(HTTP_HOST="localhost")
    board = reverse("reporting:honour_board")
    one = recognised.order_by("pk").first()
    exemplar = reverse("reporting:exemplar", args=[one.pk])
    searched = recognised.filter(search_text__contains=SEARCH).count()
    require(searched > 0, f"nobody matches {SEARCH!r}")

    pages = {
        "board": (_page(client, board), _limit()),
        "search": (
            _page(client, board, q=SEARCH),
            _limit("AND n.search_text LIKE %s", [f"%{SEARCH}%"]),
        ),
        "exemplar": (_page(client, exemplar), _limit("AND n.id = %s", [one.pk])),
        "feed": (_page(client, reverse("reporting:honour_feed")), _limit()),
    }
    result = {"scale": scale, "recognised": total, "search_matches": searched, "pages": {}}
    for name, (page, limit) in pages.items():
        page_s, limit_s = interleaved(page, limit, repeat=repeat)
        result["pages"][name] = {
            "uncached_s": rounded(page_s),
            "limit_s": rounded(limit_s),
            "ratio": rounded(page_s / limit_s, 2),
            "queries": _queries(page),
        }

    def cached():
        client.get(board)

    def healthz():
        client.get("/healthz")

    cached()  # fill the cache
    cached_s, trivial_s = interleaved(cached, healthz, repeat=repeat * 4)
    result["cached_board"] = {
        "seconds": rounded(cached_s),
        "trivial_view_s": rounded(trivial_s),
        "ratio": rounded(cached_s / trivial_s, 2),
        "queries": _queries(cached),
    }
    return result
