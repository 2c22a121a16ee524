"""Malformed input, crawled from the URL conf (issue 13): every route, every GET parameter its
view reads, fed what no form would send (NUL, numbers too large for any column, negative numbers,
words where a number is expected, very long strings), as an anonymous visitor and as a user who
may open the page. The answer may be a page, a redirect, a 400, 403 or 404, never a 500.

The parameters of a view are found by opening it once with a QueryDict that records every key
read; the usual list parameters (page, trang, q, format, export, id) are added to every route.
"""

from urllib.parse import quote, urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from tests.security import crawl
from tests.security.test_access_crawl import Public, entries

pytestmark = pytest.mark.django_db

ALWAYS = ("page", "trang", "q", "format", "export", "id")
HOSTILE = (
    "99999999999999999999999",  # beyond every integer column
    "-1",
    "không-phải-số",
    "9" * 5000,  # too long for int() too
)
NUL = "a\x00b"
# Who opens a page of one's own scope: the first of these whom it answers with a page, so that
# the view reads its parameters (an import of registrations is the school's, not the Sở's).
OPENERS = ("a_nominator", "a_principal", "dn_admin", "dn_approver", "dn_secretary")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from crawl.world_for_module(django_db_blocker, tmp_path_factory)


@pytest.fixture
def client_of(world, settings):
    settings.MEDIA_ROOT = world.media_root
    made = {}

    def client(name):
        if name not in made:
            made[name] = Client()
            if name != "anonymous":
                made[name].force_login(getattr(world, name))
        return made[name]

    return client


def _public_kwargs(world, route) -> dict:
    """What a public page with arguments is opened with: the open consultation, the recognised
    exemplar, its unit (a reset link's arguments are any text)."""
    if route.name == "nominations:consultation_public":
        return {"pk": world.consultation.pk}
    values = {"pk": world.nominations["recognised"].pk, "code": world.school_a.code}
    return {k: values.get(k, "x") for k in route.kwargs}


def targets(world, route) -> list[tuple[dict, dict, str]]:
    """(kwargs, query, the user who may open it) for a route of the access table: its first
    target, and each one whose query names other parameters (an import of registrations reads
    the campaign and round from its query, other kinds do not)."""
    found, seen = [], set()
    for entry in entries(route.name):
        if isinstance(entry, Public):
            return [(_public_kwargs(world, route), {}, None)]
        owner = entry.owner
        for expand in entry.targets:
            for target in expand(world):
                if frozenset(target.query) not in seen:
                    seen.add(frozenset(target.query))
                    found.append((target.kwargs, target.query, owner))
    assert found, f"{route.name} has no target in tests/security/test_access_crawl.py"
    return found


def opener(client_of, path, query) -> str:
    for name in OPENERS:
        if crawl.settle(client_of(name).get(path, query)).status_code == 200:
            return name
    return OPENERS[-1]


def fuzzable():
    return sorted(
        {r.name for r in crawl.routes() if not r.is_admin and r.name is not None},
    )


class _Recorder:
    """Records the keys a view reads from request.GET (forms read theirs through .get)."""

    def __init__(self, monkeypatch):
        self.keys = set()
        original_get, original_getitem = MultiValueDict.get, MultiValueDict.__getitem__
        original_getlist, original_contains = MultiValueDict.getlist, MultiValueDict.__contains__
        keys = self.keys

        def get(self, key, default=None):
            keys.add(key)
            return original_get(self, key, default)

        def getitem(self, key):
            keys.add(key)
            return original_getitem(self, key)

        def getlist(self, key, default=None):
            keys.add(key)
            return original_getlist(self, key, default)

        def contains(self, key):
            keys.add(key)
            return original_contains(self, key)

        # On QueryDict only (request.GET and its copies): the URL resolver's own dictionaries
        # are MultiValueDicts too.
        monkeypatch.setattr(QueryDict, "get", get, raising=False)
        monkeypatch.setattr(QueryDict, "__getitem__", getitem, raising=False)
        monkeypatch.setattr(QueryDict, "getlist", getlist, raising=False)
        monkeypatch.setattr(QueryDict, "__contains__", contains, raising=False)


def parameters_read(client, path, query) -> set[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        recorder = _Recorder(monkeypatch)
        # One parameter more than the page needs: a view that binds its filter form only to a
        # non-empty query (`request.GET or None`) then reads every field of it.
        crawl.settle(client.get(path, query | {"hostile": "1"}))
    names = {k for k in recorder.keys if isinstance(k, str) and k.isascii() and k != "hostile"}
    return names | set(query)


def _path(name, kwargs, key, value) -> str:
    """The route's path with one argument replaced by `value`, even one its converter would not
    produce (a NUL in a slug)."""
    marker = "98765432123456789"
    return reverse(name, kwargs=kwargs | {key: marker}).replace(marker, quote(str(value)))


def refused_requests(name, kwargs, names):
    """(description, url) of requests the site must answer with its 400 page."""
    path = reverse(name, kwargs=kwargs)
    yield "NUL in every parameter", f"{path}?{urlencode(dict.fromkeys(names, NUL))}"
    yield "NUL in a key", f"{path}?{urlencode({'a' + NUL: '1'})}"
    yield "broken percent-encoding", f"{path}?q=%zz&page=%"
    yield "invalid UTF-8", f"{path}?q=%ff%fe"
    for key in kwargs:
        yield f"NUL in the path's {key}", _path(name, kwargs, key, NUL)


def hostile_requests(name, kwargs, query, read):
    """(description, url) of requests that may be answered anyhow but with a 500: each
    parameter the view reads on its own, the usual ones it does not read all together."""
    path = reverse(name, kwargs=kwargs)
    for key, value in kwargs.items():
        bad = HOSTILE[0] if isinstance(value, int) else "Ạ" * 3000
        yield f"{key} in the path = {bad[:20]}", _path(name, kwargs, key, bad)
    unread = [key for key in ALWAYS if key not in read]
    for value in HOSTILE:
        for key in sorted(read):
            yield f"{key}={value[:20]}", f"{path}?{urlencode(query | {key: value})}"
        together = query | dict.fromkeys(unread, value)
        yield f"{','.join(unread)}={value[:20]}", f"{path}?{urlencode(together)}"


@pytest.mark.parametrize("name", fuzzable())
def test_no_route_answers_malformed_input_with_a_500(world, client_of, name):
    route = next(r for r in crawl.routes() if r.name == name)
    failures = []
    for kwargs, query, owner in targets(world, route):
        path = reverse(name, kwargs=kwargs)
        owner = owner or opener(client_of, path, query)
        for who in ("anonymous", owner):
            client = client_of(who)
            read = parameters_read(client, path, query)
            for description, url in refused_requests(name, kwargs, read | set(ALWAYS)):
                status = crawl.settle(client.get(url)).status_code
                if status != 400:
                    failures.append(f"{who} GET {url[:120]!r} ({description}): {status}, not 400")
            if who == "anonymous" and crawl.to_login(crawl.settle(client.get(path, query))):
                continue  # the login page answers before the view reads anything
            for description, url in hostile_requests(name, kwargs, query, read):
                status = crawl.settle(client.get(url)).status_code
                if status >= 500:
                    failures.append(f"{who} GET {url[:120]!r} ({description}): {status}")
    assert not failures, "\n".join(failures)
