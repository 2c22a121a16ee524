"""The portal under load on its deadline day: gunicorn (2 workers × 4 threads) and one Celery
worker started as production runs them (`bench/servers.py`), locust as the clients
(`bench/locustfile.py`), on the throwaway PostgreSQL database with the `province` demo data.

The servers run at the real clock (no time travel there), so the scenario is made real at the
bench's date with bench-only writes: the open round of the Sở's campaign gets today as the
schools' deadline (closing at 23:59 in Hà Nội); N schools get an account that drafts and submits
(nominator and principal) with a few complete drafts (a 1,000-word summary, every criterion
answered, evidence and photo), their communes an approver account; every account gets a session
made here (no Argon2 login, no login throttling in what is measured), the system administrator's
verified with a second factor as the admin requires in production.

Two locust runs at the same concurrency: the **deadline-day mix** (weights in the locustfile's
docstring) for a bounded time, then **single pages** one after the other — each main page, its
limit view, the trivial views and the admin change list — so that every figure has a baseline
from the same run. Reported per request name: throughput, p50/p95/p99, errors; for the single
pages, cost ratios from throughput (`vs_limit` = limit req/s ÷ page req/s: how many limit views
the server serves in the time of one page; likewise `vs_trivial`, `vs_admin`). Afterwards the
database is checked: every submission that got a success page must be there, submitted.

The pages run as deployed: the dashboard and the honour board serve from their caches (Redis)
under load; the limit views have no cache.
"""

import csv
import datetime
import json
import math
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from campaigns.models import Campaign, Round, RoundDeadline
from criteria.models import Title
from demo.nominations import CAMPAIGN, KEPT_EMPTY
from nominations import services
from nominations.enums import Action, State
from nominations.keys import nominee_key
from nominations.models import Nomination, NominationEvent
from notifications.models import Delivery
from reporting import dashboards
from units.enums import Position, Role, UnitLevel
from units.models import Membership, Person, Unit, User

from . import scenario, servers
from .harness import require, rounded
from .pages import SEARCH, dashboard_params, dossiers_at_province, ensure_scale
from .urls import ADMIN_LIST

LOCUSTFILE = servers.ROOT / "bench" / "locustfile.py"
MIX = ["NominatorUser", "CommuneApproverUser", "ProvinceApproverUser", "PublicUser"]
# (schools, drafts per school, users, mix seconds, seconds per single page, think time)
FULL = {"schools": 20, "drafts": 6, "users": 30, "mix": 60, "phase": 5, "think": [0.5, 2.0]}
QUICK = {"schools": 4, "drafts": 3, "users": 8, "mix": 10, "phase": 1.5, "think": [0.2, 0.8]}
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def run(*, scale: str, quick: bool) -> dict:
    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL: gunicorn's processes share the throwaway database"}
    redis_url = _redis_url()
    if redis_url is None:
        return {"skipped": "needs Redis (REDIS_URL, or a server on 127.0.0.1:6379)"}
    size = QUICK if quick else FULL
    started = time.monotonic()

    def say(what):
        print(f"bench: load: {what} ({time.monotonic() - started:.0f} s)", file=sys.stderr)

    if scale != "demo":
        ensure_scale(scale)
    workdir = Path(tempfile.mkdtemp(prefix="thidua-load-"))
    try:
        plan, accounts = _prepare(size)
        prepared = time.monotonic()
        say("accounts, drafts and sessions ready; starting the servers")
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan), encoding="utf-8")
        with servers.portal(
            _database_url(), redis_url, MEDIA_ROOT=settings.MEDIA_ROOT, LOG_LEVEL="ERROR"
        ) as site:
            up = time.monotonic()
            say(f"servers up; the deadline-day mix for {size['mix']} s")
            since = timezone.now()
            mix = _locust(site, plan_path, workdir / "mix", MIX, size["users"], size["mix"])
            checked = _check(mix["outcomes"], accounts, since)
            time.sleep(2)  # let the worker finish what the last submissions queued
            checked["deliveries"] = _deliveries(since)
            seconds = plan["warmup_seconds"] + len(plan["pages"]) * plan["phase_seconds"]
            say(f"single pages for about {seconds:.0f} s")
            # A cap: the run stops by itself after the last page (PageUser).
            cap = seconds + 10 * len(plan["pages"])
            single = _locust(site, plan_path, workdir / "pages", ["PageUser"], size["users"], cap)
        say("done")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "scale": scale,
        "users": size["users"],
        "servers": "gunicorn 2 workers × 4 threads (gthread), 1 Celery worker",
        "schools_submitting": size["schools"],
        "think_seconds": size["think"],
        "mix": {"seconds": size["mix"], **_summary(mix["stats"], mix["failures"])},
        "submissions": checked,
        "pages": _pages(single["outcomes"].get("pages", {}), plan),
        "seconds": {
            "prepare": rounded(prepared - started, 1),
            "servers_start": rounded(up - prepared, 1),
            "total": rounded(time.monotonic() - started, 1),
        },
    }


# --- where the servers run ----------------------------------------------------------------------
def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _redis_url() -> str | None:
    if settings.REDIS_URL:
        return settings.REDIS_URL
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return None
    return "redis://127.0.0.1:6379/15"


# --- the scenario, real at today's date ---------------------------------------------------------
def _deadline_today() -> Round:
    """The open round of the Sở's campaign, with the schools' deadline today (23:59 local) and
    the levels above still open after it."""
    today = timezone.localdate()
    campaign = Campaign.objects.get(code=CAMPAIGN)
    round_ = campaign.rounds.order_by("-opens_on", "-pk").first()
    Round.objects.filter(pk=round_.pk).update(
        opens_on=min(round_.opens_on, today - datetime.timedelta(days=60))
    )
    later = {"school": 0, "commune": 10, "district": 10, "province": 30}
    for deadline in RoundDeadline.objects.filter(round=round_):
        day = today + datetime.timedelta(days=later.get(deadline.level, 30))
        if deadline.level == "school" or deadline.deadline < day:
            RoundDeadline.objects.filter(pk=deadline.pk).update(deadline=day)
    dashboards.retire_now()  # bulk updates do not send the signals that retire cached dashboards
    return Round.objects.get(pk=round_.pk)


def _schools(count: int, drafts: int) -> list[Unit]:
    """Schools under communes of the Sở's tree, two per commune, those with teachers enough for
    `drafts` new dossiers first."""
    province = Unit.objects.get(code="SGD-DN")
    communes = set(
        Unit.objects.filter(
            path__startswith=province.path, level=UnitLevel.COMMUNE, valid_to__isnull=True
        ).values_list("path", flat=True)
    )
    schools = [
        school
        for school in Unit.objects.filter(
            level=UnitLevel.SCHOOL, path__startswith=province.path, valid_to__isnull=True
        )
        .exclude(code__in=KEPT_EMPTY)
        .order_by("path")
        if school.path[: -Unit.steplen] in communes
    ]
    teachers = dict(
        Person.objects.filter(unit__in=schools, position=Position.TEACHER, is_active=True)
        .values("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    ranked = sorted(schools, key=lambda s: (teachers.get(s.pk, 0) < drafts + 2, s.path))
    chosen, per_commune = [], Counter()
    for school in ranked:
        commune = school.path[: -Unit.steplen]
        if per_commune[commune] < 2:
            chosen.append(school)
            per_commune[commune] += 1
        if len(chosen) == count:
            break
    require(chosen, "no school under a commune")
    return chosen


def _account(username: str, full_name: str, roles) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    user.set_unusable_password()
    user.save()
    for unit, role in roles:
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


SUMMARY_SENTENCE = (
    "Trong năm học, đồng chí luôn tận tụy với học sinh, đổi mới phương pháp dạy học, ứng dụng "
    "công nghệ thông tin và chuyển đổi số, phối hợp với cha mẹ học sinh và đồng nghiệp. "
)


def _pdf() -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile("minh-chung.pdf", body, content_type="application/pdf")


def _ready_drafts(user: User, school: Unit, round_: Round, count: int) -> list[int]:
    """Complete drafts for teachers of the school who have no dossier in the round yet, made
    through the services as the school would make them."""
    campaign = round_.campaign
    title = Title.objects.get(code="DHTT")
    taken = set(Nomination.objects.filter(round=round_).values_list("nominee_key", flat=True))
    words = campaign.min_summary_words + 20
    summary = "<p>" + (SUMMARY_SENTENCE * (words // len(SUMMARY_SENTENCE.split()) + 1)) + "</p>"
    drafts = []
    for person in Person.objects.filter(
        unit=school, position=Position.TEACHER, is_active=True
    ).order_by("pk"):
        if len(drafts) == count:
            break
        if nominee_key(person=person, unit=None) in taken:
            continue
        nomination = services.nomination_create(
            actor=user,
            campaign=campaign,
            round_=round_,
            category="teacher",
            title=title,
            nominating_unit=school,
            person=person,
        )
        assessments = list(nomination.assessments.select_related("criterion"))
        nomination = services.nomination_update(
            actor=user,
            nomination=nomination,
            summary=summary,
            photo=scenario.photo(),
            assessments={a.criterion_id: (True, "Đạt, có minh chứng.") for a in assessments},
        )
        for a in assessments:
            if a.criterion.evidence_required:
                services.evidence_add(
                    actor=user, nomination=nomination, upload=_pdf(), criterion=a.criterion
                )
        require(
            not services.content_problems(nomination),
            f"draft {nomination.pk} is not complete: {services.content_problems(nomination)}",
        )
        drafts.append(nomination.pk)
    return drafts


def _session(user: User, *, verified: bool = False) -> str:
    """A logged-in session as the servers will read it (signed with their secret)."""
    with override_settings(SECRET_KEY=servers.SECRET_KEY):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = MODEL_BACKEND
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if verified:
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_static.models import StaticDevice

            device, _created = StaticDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.create()
        return store.session_key


def _prepare(size: dict) -> tuple[dict, dict]:
    round_ = _deadline_today()
    schools = _schools(size["schools"], size["drafts"])
    nominators, communes, accounts = [], {}, {"schools": [], "communes": []}
    for i, school in enumerate(schools, 1):
        user = _account(
            f"bench.truong{i:02d}",
            f"Hiệu trưởng {school.name}",
            [(school, Role.NOMINATOR), (school, Role.APPROVER)],
        )
        accounts["schools"].append(user.pk)
        drafts = _ready_drafts(user, school, round_, size["drafts"])
        nominators.append({"school": school.code, "session": _session(user), "drafts": drafts})
        commune = Unit.objects.get_parent(school)
        if commune.code not in communes:
            approver = _account(
                f"bench.xa{len(communes) + 1:02d}",
                f"Lãnh đạo {commune.name}",
                [(commune, Role.APPROVER)],
            )
            accounts["communes"].append(approver.pk)
            communes[commune.code] = {"unit": commune.code, "session": _session(approver)}
    province = _session(User.objects.get(username="so.lanhdao"))
    admin = _session(User.objects.get(username="quantri"), verified=True)
    require(any(n["drafts"] for n in nominators), "no teacher left to nominate")
    school_session = nominators[0]["session"]
    commune_session = next(iter(communes.values()))["session"]
    _short, dossier = dossiers_at_province()
    board = dashboard_params("so.lanhdao", "SGD-DN")
    board_query = "&".join(f"{k}={v}" for k, v in board.items())
    pages = [
        ("trivial", "/_bench/trivial/", None),
        ("trivial (login)", "/_bench/trivial/login/", school_session),
        ("list (school)", "/ho-so/", school_session),
        ("limit: list (school)", "/_bench/limit/list/", school_session),
        ("queue (commune)", "/hang-cho/", commune_session),
        ("limit: queue (commune)", "/_bench/limit/queue/", commune_session),
        ("queue (Sở)", "/hang-cho/", province),
        ("limit: queue (Sở)", "/_bench/limit/queue/", province),
        ("dossier (Sở)", f"/ho-so/{dossier.pk}/", province),
        ("limit: dossier (Sở)", f"/_bench/limit/detail/{dossier.pk}/", province),
        ("dashboard (Sở)", "/bang-dieu-khien/", province),
        ("limit: dashboard (Sở)", f"/_bench/limit/dashboard/?{board_query}", province),
        ("honour board", "/vinh-danh/", None),
        ("limit: honour board", "/_bench/limit/honour/", None),
        ("admin change list", ADMIN_LIST, admin),
    ]
    exemplars = list(
        Nomination.objects.filter(state=State.RECOGNISED)
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    plan = {
        "think_seconds": size["think"],
        "nominators": nominators,
        "communes": list(communes.values()),
        "province": {"session": province},
        "exemplars": exemplars,
        "search": SEARCH,
        "pages": pages,
        "phase_seconds": size["phase"],
        "warmup_seconds": 2,
    }
    return plan, accounts


# --- locust -------------------------------------------------------------------------------------
def _locust(site, plan_path: Path, prefix: Path, classes: list[str], users: int, seconds) -> dict:
    out = prefix.with_suffix(".outcomes.json")
    log = prefix.with_suffix(".log")
    env = {
        **site.env,
        "BENCH_LOAD_PLAN": str(plan_path),
        "BENCH_LOAD_OUT": str(out),
    }
    with log.open("wb") as output:
        subprocess.run(  # noqa: S603 (our own interpreter's tools)
            [
                str(servers.BIN / "locust"),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{math.ceil(seconds)}s",
                "--stop-timeout",
                "5",
                "--host",
                site.url,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                *classes,
            ],
            cwd=servers.ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=seconds + 60,
            check=False,
        )
    stats_path = Path(f"{prefix}_stats.csv")
    require(stats_path.exists(), f"locust wrote no statistics:\n{log.read_text()[-3000:]}")
    with stats_path.open(encoding="utf-8") as f:
        stats = list(csv.DictReader(f))
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as f:
        failures = list(csv.DictReader(f))
    outcomes = json.loads(out.read_text()) if out.exists() else {}
    return {"stats": stats, "failures": failures, "outcomes": outcomes}


def _number(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _row(row: dict) -> dict:
    """One line of locust's statistics (its percentiles are rounded to 2 significant digits)."""
    requests, failures = int(row["Request Count"]), int(row["Failure Count"])
    rps = _number(row["Requests/s"])
    return {
        "requests": requests,
        "errors": failures,
        "error_rate": rounded(failures / requests, 4) if requests else None,
        "rps": rounded(rps, 1) if rps is not None else None,
        "p50_ms": _number(row["50%"]),
        "p95_ms": _number(row["95%"]),
        "p99_ms": _number(row["99%"]),
    }


def _summary(stats: list[dict], failures: list[dict]) -> dict:
    by_name = {r["Name"]: _row(r) for r in stats if r["Name"] != "Aggregated"}
    total = next((_row(r) for r in stats if r["Name"] == "Aggregated"), None)
    errors = sorted(
        ({"name": f["Name"], "error": f["Error"][:200], "count": int(f["Occurrences"])}
         for f in failures),
        key=lambda e: -e["count"],
    )  # fmt: skip
    return {"total": total, "requests": by_name, "errors": errors[:10]}


def _pages(figures: dict, plan: dict) -> dict:
    """The single pages' figures (bench/locustfile.py Phases) with their cost ratios."""
    rps = {name: row.get("rps") or 0 for name, row in figures.items()}

    def ratio(base, name):
        return rounded(rps[base] / rps[name], 2) if rps.get(base) and rps.get(name) else None

    result = {}
    for name, _url, session in plan["pages"]:
        row = dict(figures.get(name, {"requests": 0}))
        if row.get("requests"):
            row["error_rate"] = rounded(row["errors"] / row["requests"], 4)
        if not name.startswith(("limit:", "trivial", "admin")):
            row |= {
                "vs_limit": ratio(f"limit: {name}", name),
                "vs_trivial": ratio("trivial (login)" if session else "trivial", name),
                "vs_admin": ratio("admin change list", name),
            }
        result[name] = row
    return result


# --- afterwards -----------------------------------------------------------------------------------
def _check(outcomes: dict, accounts: dict, since) -> dict:
    """Every submission answered with success must be in the database, submitted."""
    ok = set(outcomes.get("submitted", []))
    submitted = set(
        NominationEvent.objects.filter(nomination__in=ok, kind=Action.SUBMIT).values_list(
            "nomination", flat=True
        )
    )
    in_state = set(
        Nomination.objects.filter(pk__in=submitted, max_position__gte=1)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
        .values_list("pk", flat=True)
    )
    events = NominationEvent.objects.filter(created_at__gte=since)
    forwarded = set(outcomes.get("forwarded", []))
    return {
        "submit_success_responses": len(ok),
        "found_submitted_in_db": len(in_state),
        "lost": sorted(ok - in_state),
        "submissions_in_db": events.filter(
            kind=Action.SUBMIT, actor__in=accounts["schools"]
        ).count(),
        "refused": len(outcomes.get("submit_refused", [])),
        "refusals": outcomes.get("submit_refused", [])[:5],
        "drafts_saved": outcomes.get("saved", 0),
        "forward_success_responses": len(forwarded),
        "forwards_in_db": events.filter(
            kind=Action.FORWARD, actor__in=accounts["communes"], nomination__in=forwarded
        ).count(),
        "forward_conflicts": outcomes.get("forward_conflicts", 0),
    }


def _deliveries(since) -> dict:
    """E-mails the workflow queued during the mix, and how many the worker had sent."""
    made = Delivery.objects.filter(message__created_at__gte=since)
    return {
        "queued": made.count(),
        "sent": made.filter(status="sent").count(),
        "pending": made.filter(status="pending").count(),
    }
