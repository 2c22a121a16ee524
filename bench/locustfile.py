"""Locust scenarios of `bench/load.py` (run by it: `locust -f bench/locustfile.py --headless ...`
with BENCH_LOAD_PLAN naming the plan it wrote and BENCH_LOAD_OUT where to write the outcomes).

Every user starts from a session made by load.py (no password login: the load must measure the
pages, not Argon2, and must not trip the login throttling). Two runs:

- **the deadline-day mix** (`NominatorUser`, `CommuneApproverUser`, `ProvinceApproverUser`,
  `PublicUser`, in the proportions of their `weight`), with think time between tasks:
  - a school's principal-nominator (weight 5): the school's list (4), opens a draft and saves it
    (GET form + POST, 3), submits a complete draft (GET dossier + transition POST, 1);
  - a commune's approver (weight 2): the queue (4), a dossier from it (3), forwards one (1);
  - the Sở's approver (weight 1): the queue (3), the dashboard (2), a dossier (2);
  - the public (weight 2): the honour board (3), an exemplar (2), a search (1);
- **single pages** (`PageUser`, no think time): every user requests the same page for
  `phase_seconds`, then the next page, in the plan's order, so that each page, its limit view,
  the trivial views and the admin change list are timed at the same concurrency in one run
  (`Phases`: how a page is kept out of the next one's figures).

A POST is followed by the GET of its redirect, as a browser does; the outcome of a submission or
a forward is read from the message on that page. A refused submission is a failure; a forward
that another approver of the same commune made first is counted as a conflict, not a failure
(the portal says so to the slower one: DESIGN.md §7).
"""

import itertools
import json
import math
import os
import random
import re
import time
from html.parser import HTMLParser

import gevent
from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
OUTCOMES = {
    "submitted": [],
    "submit_refused": [],
    "forwarded": [],
    "forward_conflicts": 0,
    "saved": 0,
}
LOGIN_PATH = "/tai-khoan/dang-nhap/"
DOSSIER_LINK = re.compile(r'href="/ho-so/(\d+)/"')
ALERT = re.compile(r'<div class="alert alert-(\w+)"[^>]*>(.*?)</div>', re.S)
_next = {key: itertools.count() for key in ("nominators", "communes")}


def _account(key: str) -> dict:
    """Accounts are handed out in turn: one school per nominator user while there are enough."""
    accounts = PLAN[key]
    return accounts[next(_next[key]) % len(accounts)]


@events.quitting.add_listener
def _write_outcomes(environment, **_kwargs):
    path = os.environ.get("BENCH_LOAD_OUT")
    if Phases.windows:
        OUTCOMES["pages"] = Phases.figures()
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(OUTCOMES, out)


class Forms(HTMLParser):
    """The forms of a page: action and the fields a browser would submit (no buttons, no file
    inputs, checked boxes only, the selected option)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields[name] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            fields[name] = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if fields[self._select] is None or "selected" in a:
                fields[self._select] = value

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def action(self, suffix: str) -> dict | None:
        return next((f for f in self.forms if f["action"].endswith(suffix)), None)

    def with_field(self, name: str) -> dict | None:
        return next((f for f in self.forms if name in f["fields"]), None)


def _alerts(html: str) -> list[tuple[str, str]]:
    return [(kind, re.sub(r"\s+", " ", text).strip()) for kind, text in ALERT.findall(html)]


class PortalUser(FastHttpUser):
    abstract = True
    session_key = ""

    def on_start(self):
        if self.session_key:
            self.client.cookiejar.set_cookie(_cookie("sessionid", self.session_key, self.host))

    def page(self, url: str, name: str) -> str | None:
        """GET a page that must answer 200 for this session (a redirect to the login page is a
        failure, not a page)."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code} {r.headers.get('Location', '')}")
                return None
            return r.text

    def post_then_follow(self, url: str, data: dict, name: str, follow_name: str, judge):
        """POST a form, GET where it redirects, and let `judge(page)` say why the POST failed
        (None: it did not)."""
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or LOGIN_PATH in location:
                r.failure(f"status {r.status_code} {location}")
                return
            after = self.page(location, follow_name)
            reason = judge(after) if after is not None else "redirect page failed"
            if reason:
                r.failure(reason)


def _cookie(name, value, host):
    from http.cookiejar import Cookie
    from urllib.parse import urlparse

    domain = urlparse(host).hostname
    return Cookie(
        0, name, value, None, False, domain, False, False, "/", True, False, None, False, None,
        None, {}
    )  # fmt: skip


class NominatorUser(PortalUser):
    weight = 5
    wait_time = between(*PLAN["think_seconds"])

    def on_start(self):
        account = _account("nominators")
        self.session_key = account["session"]
        self.drafts = list(account["drafts"])
        random.shuffle(self.drafts)
        super().on_start()

    @task(4)
    def school_list(self):
        self.page("/ho-so/", "list (school)")

    @task(3)
    def save_draft(self):
        if not self.drafts:
            return self.school_list()
        pk = random.choice(self.drafts)
        html = self.page(f"/ho-so/{pk}/sua/", "edit form")
        form = Forms(html).with_field("summary") if html else None
        if form is None:
            return None
        data = {k: v for k, v in form["fields"].items() if v is not None}
        data["summary"] = data.get("summary", "") + " "  # a keystroke; still a complete summary
        with self.client.post(
            f"/ho-so/{pk}/sua/",
            data=data,
            name="save draft",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"not saved: status {r.status_code}")
                return None
            OUTCOMES["saved"] += 1
        return self.page(f"/ho-so/{pk}/", "dossier (school)")

    @task(1)
    def submit(self):
        if not self.drafts:
            return self.school_list()
        pk = self.drafts.pop()
        html = self.page(f"/ho-so/{pk}/", "dossier (school)")
        form = Forms(html).action(f"/ho-so/{pk}/thuc-hien/submit/") if html else None
        if form is None:
            return None

        def judge(after):
            alerts = _alerts(after)
            if any(kind == "success" for kind, _text in alerts):
                OUTCOMES["submitted"].append(pk)
                return None
            OUTCOMES["submit_refused"].append([pk, [t for k, t in alerts if k == "danger"]])
            return "submission refused"

        self.post_then_follow(form["action"], form["fields"], "submit", "after submit", judge)
        return None


class CommuneApproverUser(PortalUser):
    weight = 2
    wait_time = between(*PLAN["think_seconds"])

    def on_start(self):
        self.session_key = _account("communes")["session"]
        self.seen: list[int] = []
        super().on_start()

    @task(4)
    def queue(self):
        html = self.page("/hang-cho/", "queue (commune)")
        if html:
            self.seen = [int(pk) for pk in DOSSIER_LINK.findall(html)]

    @task(3)
    def dossier(self):
        if not self.seen:
            return self.queue()
        return self.page(f"/ho-so/{random.choice(self.seen)}/", "dossier (approver)")

    @task(1)
    def forward(self):
        if not self.seen:
            return self.queue()
        pk = self.seen.pop(random.randrange(len(self.seen)))
        html = self.page(f"/ho-so/{pk}/", "dossier (approver)")
        form = Forms(html).action(f"/ho-so/{pk}/thuc-hien/forward/") if html else None
        if form is None:
            OUTCOMES["forward_conflicts"] += 1  # forwarded by someone else meanwhile
            return None

        def judge(after):
            if any(kind == "success" for kind, _text in _alerts(after)):
                OUTCOMES["forwarded"].append(pk)
            else:
                OUTCOMES["forward_conflicts"] += 1  # another approver of the commune was faster
            return None

        self.post_then_follow(form["action"], form["fields"], "forward", "after forward", judge)
        return None


class ProvinceApproverUser(PortalUser):
    weight = 1
    wait_time = between(*PLAN["think_seconds"])

    def on_start(self):
        self.session_key = PLAN["province"]["session"]
        self.seen: list[int] = []
        super().on_start()

    @task(3)
    def queue(self):
        html = self.page("/hang-cho/", "queue (Sở)")
        if html:
            self.seen = [int(pk) for pk in DOSSIER_LINK.findall(html)]

    @task(2)
    def dashboard(self):
        self.page("/bang-dieu-khien/", "dashboard (Sở)")

    @task(2)
    def dossier(self):
        if not self.seen:
            return self.queue()
        return self.page(f"/ho-so/{random.choice(self.seen)}/", "dossier (Sở)")


class PublicUser(PortalUser):
    weight = 2
    wait_time = between(*PLAN["think_seconds"])

    @task(3)
    def board(self):
        self.page("/vinh-danh/", "honour board")

    @task(2)
    def exemplar(self):
        self.page(f"/vinh-danh/{random.choice(PLAN['exemplars'])}/", "exemplar")

    @task(1)
    def search(self):
        self.page(f"/vinh-danh/?q={PLAN['search']}", "honour search")


class Phases:
    """The single-page schedule, shared by every PageUser (greenlets of one process): a warm-up
    on the trivial view, then each page for `phase_seconds`. Between two pages nothing is sent
    until every request of the previous page has come back, so that no page is timed behind the
    queue of the one before; a page's throughput counts only its own answers inside its window,
    and its percentiles all its requests (those answered after the window too)."""

    index = -1  # -1: the warm-up
    finished = False
    started: float | None = None
    draining = False
    in_flight = 0
    windows: list = []  # (name, start, end), wall clock as locust's request events
    answers: dict = {}  # name -> [(end, response_time_ms, failed)]

    @classmethod
    def current(cls):
        now = time.time()
        if cls.started is None:
            cls.started = now
        if cls.index >= len(PLAN["pages"]):
            return None
        length = PLAN["warmup_seconds"] if cls.index < 0 else PLAN["phase_seconds"]
        if not cls.draining and now - cls.started >= length:
            cls.draining = True
            if cls.index >= 0:
                cls.windows.append((PLAN["pages"][cls.index][0], cls.started, now))
        if cls.draining:
            if cls.in_flight:
                return None
            cls.index, cls.started, cls.draining = cls.index + 1, now, False
            if cls.index >= len(PLAN["pages"]):
                return None
        if cls.index < 0:
            return "warmup", "/_bench/trivial/", None
        return PLAN["pages"][cls.index]

    @classmethod
    def figures(cls) -> dict:
        result = {}
        for name, start, end in cls.windows:
            answers = cls.answers.get(name, [])
            times = sorted(ms for _end, ms, _failed in answers)
            done = sum(1 for t_end, _ms, _failed in answers if start <= t_end <= end)
            result[name] = {
                "requests": len(answers),
                "errors": sum(1 for *_x, failed in answers if failed),
                "window_s": round(end - start, 2),
                "rps": round(done / (end - start), 1) if end > start else None,
                **{f"p{q}_ms": _percentile(times, q) for q in (50, 95, 99)},
            }
        return result


def _percentile(values: list, q: int):
    if not values:
        return None
    return round(values[min(len(values) - 1, math.ceil(q / 100 * len(values)) - 1)], 1)


@events.request.add_listener
def _answered(name, response_time, exception, start_time=None, **_kwargs):
    if Phases.started is not None and name != "warmup":
        Phases.answers.setdefault(name, []).append(
            (time.time(), response_time, exception is not None)
        )


class PageUser(FastHttpUser):
    """Single pages in turn (the plan's `pages`: name, url, session or null), see Phases."""

    wait_time = constant(0)

    @task
    def current_page(self):
        page = Phases.current()
        if page is None:
            if Phases.index >= len(PLAN["pages"]) and not Phases.finished:
                Phases.finished = True
                gevent.spawn(self.environment.runner.quit)
            time.sleep(0.05)
            return
        name, url, session = page
        self.client.cookiejar.clear()
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        Phases.in_flight += 1
        try:
            with self.client.get(
                url, name=name, headers=headers, allow_redirects=False, catch_response=True
            ) as r:
                if r.status_code != 200:
                    r.failure(f"status {r.status_code} {r.headers.get('Location', '')}")
        finally:
            Phases.in_flight -= 1
