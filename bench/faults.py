"""`python -m bench.faults`: what the portal does when its parts fail under load (issue 8).

Everything runs on a private PostgreSQL cluster and a private Redis server, started here in a
temporary folder on free ports: the machine's own services (used by other tests) are never
touched. On them, the portal as production runs it (`bench/servers.py`: gunicorn, a Celery
worker, DEBUG off) and school leaders who create, fill in and submit dossiers through the pages
(pre-made sessions, CSRF tokens from the forms). Then, one after the other:

1. the Celery worker is SIGKILLed in the middle of a batch of deliveries and a bundle build, and
   started again five seconds later;
2. PostgreSQL is restarted (`pg_ctl restart -m fast`) under the load, then again with the portal
   idle (its kept connections are the ones to go stale);
3. Redis (the cache and the broker) is stopped for 30 seconds and started again, empty;
4. the dossier table is locked (ACCESS EXCLUSIVE) for 40 seconds, longer than gunicorn's timeout;
5. the media disk (a small tmpfs, when run as root) is filled for 20 seconds during the uploads;
6. a gunicorn worker is SIGKILLed in the middle of requests.

After each, the outbox is settled as production would: the requeue that beat runs, and for a
delivery a dead worker left claimed ("sending"), an administrator's resend from the outbox page
if its e-mail is not in the mail log. Every response is recorded with its time, every dossier
with its fate, every e-mail is a file (`filemail://`). One JSON summary on stdout, progress on
stderr; exit status 1 when an invariant broke (the `invariants` of the summary): a 500 outside a
fault's window, an acknowledged submission missing or submitted twice, a notification e-mailed
twice or never, a killed task not redone, a 5xx or a hung request while the database stalled,
an orphan file. About 7 minutes. See docs/reliability.md.
"""

import argparse
import datetime
import email
import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import requests

from . import samples
from .servers import Process, free_port, portal, server_env

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
CAMPAIGN = "SGD-DN-DHTT-2024-2027"  # the demo campaign of bench/harness.py IN_WINDOW
ROUND = "Năm học 2026-2027"
SCHOOL = "DN-X001-TH01"
# The bundle killed mid-way: the Sở's dossiers of the past round (42 in the demo data, a fixed
# set the load does not grow, so that its build time stays well under the visibility timeout).
BUNDLE = ("so.lanhdao", "SGD-DN", "Năm học 2024-2025")
SENDERS = 4  # load threads, one session each (a school leader: drafts and submits)
PEOPLE = 1500  # nominees prepared for the load: one dossier each
BURST = 300  # messages queued at once before the worker is killed
REDIS_DOWN_SECONDS = 30
# Longer than gunicorn's timeout (config/gunicorn.py, 30 s): the stall that once got the workers
# killed and users gunicorn's bare "Internal Server Error".
STALL_SECONDS = 40
GUNICORN_TIMEOUT = 30
HEALTHZ_PATIENCE = 2  # seconds a load balancer waits for /healthz
DISK_FULL_SECONDS = 20
MEDIA_DISK = "size=256m"  # the media tmpfs: the demo data's files and the run's uploads fit
DISK_FULL = "Máy chủ tạm thời hết chỗ lưu tệp"  # core/storage.py StorageFull
# The bench's visibility timeout: a task taken by a worker that died comes back after this long
# (production keeps the hour of config/settings.py, see docs/reliability.md). Longer than the
# bundle takes here (about 25 s), or a copy of the task still running is handed out again.
VISIBILITY_TIMEOUT = 60
# A killed bundle's silent builder is taken over after this long (production: 120 s), shorter
# than the visibility timeout so that the redelivered task rebuilds it.
BUNDLE_STALE_SECONDS = 30
SUCCESS = "Đã thực hiện:"  # the message after a transition (Vietnamese, the portal's language)
STALE = "vừa được người khác xử lý"  # the message when the page's version is out of date


def say(text: str) -> None:
    print(f"faults: {text}", file=sys.stderr, flush=True)


# --- private services -------------------------------------------------------------------------
@dataclass
class Postgres:
    """A PostgreSQL 15 cluster of our own. initdb refuses to run as root, so as root the
    commands run as the `postgres` system user, in a folder it owns."""

    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def options(self) -> str:
        return f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str) -> None:
        command = [str(PG_BIN / command[0]), *command[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
        if done.returncode:
            raise RuntimeError(f"faults: {' '.join(command)}\n{done.stdout}\n{done.stderr}")

    def init(self) -> None:
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        options = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        self._run("initdb", "-D", str(self.data), *options)
        self.start()

    def pg_ctl(self, *action: str) -> None:
        log = str(self.folder / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", self.options, "-w", *action)

    def start(self) -> None:
        self.pg_ctl("start")

    def restart(self) -> None:
        self.pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        with suppress(RuntimeError):
            self.pg_ctl("-m", "immediate", "stop")

    def answers(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url("postgres"), connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')


class RedisServer(Process):
    """redis-server without persistence, as a child process that can be stopped and started
    again on the same port (it comes back empty, as a Redis without persistence does)."""

    def __init__(self, folder: Path):
        self.port = free_port()
        binary = shutil.which("redis-server") or "redis-server"
        options = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"]
        command = [binary, "--port", str(self.port), *options, "--dir", str(folder)]
        super().__init__("redis", command, dict(os.environ), folder / "redis.log")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5, retry=None).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        super().start()
        if not until(self.answers, seconds=20):
            raise RuntimeError(f"faults: redis-server did not start:\n{self.log()[-2000:]}")


def until(condition, *, seconds: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


# --- data -------------------------------------------------------------------------------------
@dataclass
class Plan:
    """What the load needs to know, found once in the database."""

    campaign: str
    round_id: int
    title_id: int
    criteria: list[int]
    evidence_criteria: list[int]
    sessions: list[str]
    people: list[int]
    admin_id: int


def prepare() -> Plan:
    """Demo data, the round open at the real clock, nominees, the senders' sessions."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command
    from django.utils import timezone

    from campaigns.models import Campaign
    from units.enums import Position, Role
    from units.models import Membership, Person, Unit, User

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", scale="demo", verbosity=0, stdout=io.StringIO())
    campaign = Campaign.objects.get(code=CAMPAIGN)
    round_ = campaign.rounds.get(name=ROUND)
    # Bench only: the round open today, whatever today is, deadlines weeks ahead (same order).
    today = timezone.localdate()
    round_.opens_on = today - datetime.timedelta(days=1)
    round_.save(update_fields=["opens_on"])
    for weeks, deadline in enumerate(round_.deadlines.order_by("deadline"), start=4):
        deadline.deadline = today + datetime.timedelta(weeks=weeks)
        deadline.save(update_fields=["deadline"])
    link = campaign.criteria_links.select_related("criteria_set").get(category="teacher")
    criteria = list(link.criteria_set.criteria.order_by("order"))
    school = Unit.objects.get(code=SCHOOL)
    people = Person.objects.bulk_create(
        Person(
            unit=school,
            identifier=f"FAULT{i:06d}",
            full_name=f"Giáo viên Thử tải {i:04d}",
            position=Position.TEACHER,
            ethnicity="Kinh",
        )
        for i in range(PEOPLE)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"
    sessions = []
    for i in range(SENDERS):
        # The school's leaders: they draft dossiers and send them up (submitting is theirs).
        user = User.objects.create(username=f"faults.principal{i}", full_name=f"Lãnh đạo {i}")
        Membership.objects.create(user=user, unit=school, role=Role.APPROVER)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return Plan(
        campaign=CAMPAIGN,
        round_id=round_.pk,
        title_id=campaign.titles.get().pk,
        criteria=[c.pk for c in criteria],
        evidence_criteria=[c.pk for c in criteria if c.evidence_required],
        sessions=sessions,
        people=[p.pk for p in people],
        admin_id=User.objects.filter(is_superuser=True).order_by("pk").first().pk,
    )


# --- the load ---------------------------------------------------------------------------------
@dataclass
class Call:
    start: float
    end: float
    status: int  # 0: no HTTP answer at all
    step: str


@dataclass
class Dossier:
    person: int
    pk: int | None = None
    submit_posts: int = 0
    acknowledged: bool = False
    outcome: str = ""


# Over the campaign's 1,000 words.
SUMMARY = "".join(f"<p>{samples.PARAGRAPH}</p>" for _ in range(20))
PDF = b"%PDF-1.4\n" + b"0" * 20_000
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class Load:
    """School leaders in threads, each in its own session, each iteration one dossier created,
    filled in and submitted through the pages; plus the cached pages (the dashboard and the
    public honour board) once per iteration. Every response is recorded."""

    def __init__(self, url: str, plan: Plan):
        self.url, self.plan = url, plan
        self.calls: list[Call] = []
        self.in_flight = 0
        self.told_disk_full = 0  # pages that carried the full-disk message
        self.dossiers: list[Dossier] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.hold = threading.Event()  # set: senders wait between dossiers
        self.held = 0
        self.people: queue.SimpleQueue = queue.SimpleQueue()
        for person in plan.people:
            self.people.put(person)
        self.photo = samples.jpeg()
        self.threads = [
            threading.Thread(target=self.drive, args=(key,), daemon=True) for key in plan.sessions
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def acknowledged(self) -> int:
        with self.lock:
            return sum(d.acknowledged for d in self.dossiers)

    def call(self, http, step, method, path, **kwargs):
        start = time.monotonic()
        with self.lock:
            self.in_flight += 1
        try:
            response = http.request(
                method, self.url + path, timeout=(5, 90), allow_redirects=False, **kwargs
            )
        except requests.RequestException:
            response = None
        told = response is not None and response.status_code == 200 and DISK_FULL in response.text
        with self.lock:
            self.in_flight -= 1
            self.told_disk_full += told
            self.calls.append(
                Call(start, time.monotonic(), 0 if response is None else response.status_code, step)
            )
        return response

    def drive(self, session_key: str) -> None:
        from django.conf import settings

        http = requests.Session()
        http.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
        while not self.stop.is_set():
            if self.hold.is_set():
                self.wait_while_held()
                continue
            outcome = self.one_dossier(http)
            if outcome is None:  # no nominee left
                return
            self.call(http, "dashboard", "GET", "/bang-dieu-khien/")
            self.call(http, "honour_board", "GET", "/vinh-danh/")
            if outcome:
                time.sleep(0.5)  # as a person would, before trying again

    def wait_while_held(self) -> None:
        with self.lock:
            self.held += 1
        while self.hold.is_set() and not self.stop.is_set():
            time.sleep(0.1)
        with self.lock:
            self.held -= 1

    def pause(self) -> None:
        """Let every sender finish its dossier and wait (a quiet time, as at night)."""
        self.hold.set()
        until(lambda: self.held == len(self.threads), seconds=90)

    def resume(self) -> None:
        self.hold.clear()

    def one_dossier(self, http) -> str | None:
        """One dossier from the create page to its submission; returns what went wrong ("" if
        nothing did). A nominee is used up once the create form is posted, whatever happens."""
        plan = self.plan
        page = self.call(http, "create_page", "GET", f"/ho-so/tao/?phong_trao={plan.campaign}")
        if page is None or page.status_code != 200:
            return "create page failed"
        try:
            dossier = Dossier(person=self.people.get_nowait())
        except queue.Empty:
            return None
        with self.lock:
            self.dossiers.append(dossier)
        dossier.outcome = self.fill_and_submit(http, dossier, page) or "submitted"
        return "" if dossier.acknowledged else dossier.outcome

    def fill_and_submit(self, http, dossier: Dossier, page) -> str:
        """The fate of the dossier if it did not end acknowledged as submitted."""
        plan = self.plan
        token = CSRF.search(page.text).group(1)
        created = self.call(
            http,
            "create",
            "POST",
            "/ho-so/tao/",
            data={
                "csrfmiddlewaretoken": token,
                "phong_trao": plan.campaign,
                "round": plan.round_id,
                "category": "teacher",
                "title": plan.title_id,
                "nominee": f"p{dossier.person}",
            },
        )
        if created is None or created.status_code != 302:
            return "create failed"
        dossier.pk = int(re.search(r"/ho-so/(\d+)/", created.headers["Location"]).group(1))
        base = f"/ho-so/{dossier.pk}/"
        content = {
            "csrfmiddlewaretoken": token,
            "summary": SUMMARY,
            "cv_hometown": "Hòa Vang, Đà Nẵng",
            "cv_professional": "Cử nhân Sư phạm Tiểu học",
            "works-TOTAL_FORMS": "0",
            "works-INITIAL_FORMS": "0",
            "works-MIN_NUM_FORMS": "0",
            "works-MAX_NUM_FORMS": "1000",
        }
        for criterion in plan.criteria:
            content[f"a{criterion}-met"] = "yes"
            content[f"a{criterion}-explanation"] = "Đạt, có minh chứng kèm theo."
        saved = self.call(
            http,
            "edit",
            "POST",
            base + "sua/",
            data=content,
            files={"photo": ("anh.jpg", self.photo, "image/jpeg")},
        )
        if saved is None or saved.status_code != 302:
            return "edit failed"
        for criterion in plan.evidence_criteria:
            uploaded = self.call(
                http,
                "evidence",
                "POST",
                base + "minh-chung/",
                data={"csrfmiddlewaretoken": token, "criterion": criterion},
                files={"file": ("minh-chung.pdf", PDF, "application/pdf")},
            )
            if uploaded is None or uploaded.status_code != 302:
                return "evidence failed"
        detail = self.call(http, "detail", "GET", base)
        if detail is None or detail.status_code != 200 or not VERSION.search(detail.text):
            return "detail failed"
        version = VERSION.search(detail.text).group(1)
        # Submit; on no clear answer press again with the same page (the same version), as a
        # person would: the version check must make the second press harmless.
        for _press in range(4):
            dossier.submit_posts += 1
            sent = self.call(
                http,
                "submit",
                "POST",
                base + "thuc-hien/submit/",
                data={"csrfmiddlewaretoken": token, "version": version},
            )
            if sent is not None and sent.status_code == 302:
                after = self.call(http, "detail", "GET", base)
                if after is not None and after.status_code == 200:
                    if SUCCESS in after.text:
                        dossier.acknowledged = True
                        return ""
                    if STALE in after.text:
                        return "already submitted (told so)"
                    return "submit refused"
            time.sleep(1)
        return "submit failed"


# --- what happened ----------------------------------------------------------------------------
def count_statuses(calls: list[Call]) -> dict:
    return dict(sorted(Counter(str(c.status) for c in calls).items()))


def window_report(calls: list[Call], phase: tuple[float, float], window: tuple[float, float]):
    """Requests of the phase inside the window (overlapping it at all) and outside it."""
    in_phase = [c for c in calls if phase[0] <= c.start < phase[1]]
    inside = [c for c in in_phase if c.end >= window[0] and c.start <= window[1]]
    outside = [c for c in in_phase if not (c.end >= window[0] and c.start <= window[1])]
    return {
        "requests": len(inside) + len(outside),
        "inside_window": count_statuses(inside),
        "outside_window": count_statuses(outside),
        "errors_500_outside_window": sum(c.status == 500 for c in outside),
        "errors_5xx_inside_window": sum(c.status >= 500 for c in inside),
        "errors_500": sum(c.status == 500 for c in inside + outside),
        "no_answer_outside_window": sum(c.status == 0 for c in outside),
        "no_answer": sum(c.status == 0 for c in inside + outside),
        "slowest_s": round(max((c.end - c.start for c in inside + outside), default=0), 2),
        "pages_5xx_inside_window": sum(
            c.status >= 500 for c in inside if c.step in ("dashboard", "honour_board")
        ),
    }


def mail_keys(folder: Path) -> Counter:
    """How many e-mails were written per idempotency key (the Message-ID carries the key)."""
    found = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if not chunk.strip():
                continue
            message_id = email.message_from_string(chunk.strip()).get("Message-ID", "")
            match = re.search(r"<\d+\.\d+\.\d+\.(.+)@", message_id)
            if match:
                found[match.group(1)] += 1
    return found


def outbox(folder: Path, *, after_message: int = 0, upto_message: int | None = None) -> dict:
    """Deliveries of the messages in (after_message, upto_message] against the e-mails."""
    from notifications.models import Delivery

    deliveries = Delivery.objects.filter(message_id__gt=after_message)
    if upto_message is not None:
        deliveries = deliveries.filter(message_id__lte=upto_message)
    rows = list(deliveries.values_list("message__key", "status", "attempts"))
    mails = mail_keys(folder)
    sent = [mails[key.replace(":", ".")] for key, _s, _a in rows]
    return {
        "expected": len(rows),
        "delivered": sum(n >= 1 for n in sent),
        "duplicates": sum(n > 1 for n in sent),
        "missing": sum(n == 0 for n in sent),
        "statuses": dict(Counter(status for _k, status, _a in rows)),
        "attempts_over_1": sum(a > 1 for _k, _s, a in rows),
    }


def last_message_id() -> int:
    from notifications.models import Message

    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def requeue() -> int:
    """What beat runs every five minutes (notifications.requeue), run now."""
    from notifications.services import requeue_due

    return requeue_due()


def fresh_connection() -> None:
    from django.db import connection

    connection.close()


def healthz(site) -> int:
    try:
        return requests.get(site.url + "/healthz", timeout=5).status_code
    except requests.RequestException:
        return 0


class Outbox:
    """Watching the outbox settle, and dealing with what a dead worker left in doubt."""

    def __init__(self, mail: Path, actor_id: int):
        self.mail, self.actor_id = mail, actor_id
        self.mailed_in_doubt: set[int] = set()  # left "sending", but the e-mail is in the log

    def _open(self):
        from notifications.models import Delivery, DeliveryStatus

        return Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
        ).exclude(pk__in=self.mailed_in_doubt)

    def pending(self) -> int:
        from notifications.models import DeliveryStatus

        return self._open().filter(status=DeliveryStatus.PENDING).count()

    def settle(self, *, seconds: float) -> dict:
        """Run the requeue (as beat would), wait until nothing is pending, then resolve what
        stays claimed: a delivery a dead worker left "sending" is never resent by itself (that
        could send twice); an administrator resends from the outbox page the ones whose e-mail
        is not in the mail log (here, the mail folder). Returns what it took."""
        from django.db import transaction

        from notifications.models import Delivery, DeliveryStatus
        from notifications.services import resend
        from units.models import User

        requeued, started = requeue(), time.monotonic()
        until(lambda: self.pending() == 0, seconds=seconds, every=0.5)
        sent_in = time.monotonic() - started
        time.sleep(2)  # a delivery still claimed now is not being sent: its worker is gone
        doubtful = list(
            self._open().filter(status=DeliveryStatus.SENDING).values_list("pk", "message__key")
        )
        mails = mail_keys(self.mail)
        unsent = [pk for pk, key in doubtful if not mails[key.replace(":", ".")]]
        self.mailed_in_doubt |= {pk for pk, _key in doubtful} - set(unsent)
        if unsent:
            with transaction.atomic():
                resend(
                    Delivery.objects.filter(pk__in=unsent),
                    actor=User.objects.get(pk=self.actor_id),
                )
        done = until(lambda: not self._open().exists(), seconds=seconds, every=0.5)
        return {
            "requeued_by_beat_run": requeued,
            "requeued_sent_in_s": round(sent_in, 1),
            "left_in_doubt": len(doubtful),
            "in_doubt_already_mailed": len(doubtful) - len(unsent),
            "in_doubt_resent_by_admin": len(unsent),
            "all_settled": done,
        }


# --- the faults -------------------------------------------------------------------------------
def kill_the_worker(site, load: Load, plan: Plan, box: Outbox) -> dict:
    """SIGKILL the worker with a batch of deliveries and a bundle build half done."""
    from django.db import transaction

    from campaigns.models import Round
    from nominations.enums import NoticeKind
    from nominations.models import NominationEvent
    from notifications.models import Delivery, DeliveryStatus
    from notifications.services import Notice, notify
    from reporting.bundles import bundle_request
    from reporting.models import ExportStatus
    from units.models import Unit, User

    phase_start = time.monotonic()
    first = last_message_id()
    recipients = list(
        User.objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True)
    )
    with transaction.atomic():
        notify(
            [
                Notice(
                    key=f"faults:burst:{i}",
                    recipient_id=recipients[i % len(recipients)],
                    kind=NoticeKind.REVIEW_WAITING,
                    subject=f"Thử tải {i}",
                    body="Thông báo thử tải.",
                    url="/hang-cho/",
                )
                for i in range(BURST)
            ]
        )
        export = bundle_request(
            actor=User.objects.get(username=BUNDLE[0]),
            unit=Unit.objects.get(code=BUNDLE[1]),
            round_=Round.objects.get(campaign__code=CAMPAIGN, name=BUNDLE[2]),
        )
    burst = Delivery.objects.filter(message__key__startswith="faults:burst:")

    def snapshot() -> dict:
        export.refresh_from_db()
        return {
            "bundle": f"{export.status} {export.progress}/{export.total}",
            "burst": dict(Counter(burst.values_list("status", flat=True))),
        }

    def in_flight() -> bool:
        export.refresh_from_db()
        sent = burst.filter(status=DeliveryStatus.SENT).count()
        return export.status == ExportStatus.RUNNING and export.progress >= 1 and sent >= 10

    caught = until(in_flight, seconds=60, every=0.05)
    killed = time.monotonic()
    site.worker.kill()
    at_kill = snapshot()
    say(f"worker killed ({'in flight' if caught else 'NOT caught in flight'}): {at_kill}")
    time.sleep(5)  # the worker is down: submissions go on, their notices wait in Redis
    site.worker.start()
    restarted = time.monotonic()
    say("worker started again; waiting for the killed tasks to come back (acks_late)")

    def redone() -> bool:
        export.refresh_from_db()
        return (
            export.status == ExportStatus.DONE
            and not burst.filter(status=DeliveryStatus.PENDING).exists()
        )

    came_back = until(redone, seconds=VISIBILITY_TIMEOUT + 60, every=0.5)
    redone_after = time.monotonic() - restarted
    after = snapshot()
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(restarted - killed, 1),
        "caught_in_flight": caught,
        "at_kill": at_kill,
        "killed_tasks_redone": came_back,
        "redone_after_restart_s": round(redone_after, 1),
        "after_redelivery": after,
        "bundle_built_events": NominationEvent.objects.filter(
            kind="exported", data__bundle=export.pk
        ).count(),
        **outbox_work,
        "recovery_s": round(time.monotonic() - restarted, 1),
        "_phase": (phase_start, time.monotonic()),
        "_window": (killed, restarted),
        "_messages": (first, last_message_id()),
    }


def restart_postgres(site, load: Load, pg: Postgres, box: Outbox) -> dict:
    phase_start = time.monotonic()
    first = last_message_id()
    time.sleep(5)
    acked_before = load.acknowledged()
    started = time.monotonic()
    say("restarting PostgreSQL (pg_ctl restart -m fast)")
    pg.restart()
    until(pg.answers, seconds=30)
    back = time.monotonic()
    fresh_connection()
    healthy = until(lambda: healthz(site) == 200, seconds=30)
    healthy_after = time.monotonic() - started
    time.sleep(15)  # the load goes on after the restart
    acked = load.acknowledged() - acked_before
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(back - started, 1),
        "healthy_again_after_s": round(healthy_after, 1) if healthy else None,
        "acknowledged_submissions_in_phase": acked,
        **outbox_work,
        "recovery_s": round(time.monotonic() - started, 1),
        "_phase": (phase_start, time.monotonic()),
        "_window": (started, back),
        "_messages": (first, last_message_id()),
    }


def restart_postgres_while_idle(site, load: Load, pg: Postgres, box: Outbox) -> dict:
    """The same restart with nobody using the portal: every web thread keeps a persistent
    connection to the old server, and the first requests afterwards are the ones to find out."""
    phase_start = time.monotonic()
    first = last_message_id()
    load.pause()
    started = time.monotonic()
    say("restarting PostgreSQL with the portal idle")
    pg.restart()
    until(pg.answers, seconds=30)
    back = time.monotonic()
    fresh_connection()
    load.resume()
    time.sleep(12)
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(back - started, 1),
        **outbox_work,
        "_phase": (phase_start, time.monotonic()),
        "_window": (started, back),
        "_messages": (first, last_message_id()),
    }


def stop_redis(site, load: Load, redis_server: RedisServer, box: Outbox) -> dict:
    phase_start = time.monotonic()
    first = last_message_id()
    time.sleep(5)
    acked_before = load.acknowledged()
    say(f"stopping Redis for {REDIS_DOWN_SECONDS} s")
    stopped = time.monotonic()
    redis_server.stop()
    time.sleep(REDIS_DOWN_SECONDS / 2)
    health_while_down = healthz(site)
    time.sleep(REDIS_DOWN_SECONDS / 2)
    acked_while_down = load.acknowledged() - acked_before
    pending_while_down = box.pending()
    redis_server.start()
    back = time.monotonic()
    say("Redis is back (empty)")
    healthy = until(lambda: healthz(site) == 200, seconds=30)
    healthy_after = time.monotonic() - back
    time.sleep(15)
    worker_alive = site.worker.proc.poll() is None
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(back - stopped, 1),
        "acknowledged_submissions_while_down": acked_while_down,
        "deliveries_waiting_in_outbox_while_down": pending_while_down,
        "healthz_while_down": health_while_down,
        "healthy_again_after_s": round(healthy_after, 1) if healthy else None,
        "worker_alive_after": worker_alive,
        **outbox_work,
        "recovery_s": round(time.monotonic() - back, 1),
        "_phase": (phase_start, time.monotonic()),
        "_window": (stopped, back),
        "_messages": (first, last_message_id()),
    }


def stall_the_database(site, load: Load, pg: Postgres, box: Outbox) -> dict:
    """An ACCESS EXCLUSIVE lock on the dossier table held longer than gunicorn's timeout (a
    migration rewriting the table, a LOCK TABLE typed by hand): a request that needs the table
    gives up after the web lock timeout with the 503 page; /healthz answers at once, degraded."""
    import psycopg

    from nominations.models import Nomination

    phase_start = time.monotonic()
    first = last_message_id()
    time.sleep(5)
    acked_before = load.acknowledged()
    holder = psycopg.connect(pg.url("thidua"))
    say(f"locking the dossier table for {STALL_SECONDS} s")
    holder.execute(f'LOCK TABLE "{Nomination._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
    locked = time.monotonic()
    health = []
    while time.monotonic() - locked < STALL_SECONDS:
        health.append(health_check(site))
        time.sleep(3)
    holder.rollback()
    holder.close()
    released = time.monotonic()
    say("dossier table released")
    healthy = until(lambda: health_check(site)[1] == "ok", seconds=30)
    healthy_after = time.monotonic() - released
    time.sleep(15)
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(released - locked, 1),
        "healthz_while_stalled": dict(Counter(f"{code} {status}" for code, status, _s in health)),
        "healthz_slowest_s": round(max(seconds for _c, _s, seconds in health), 2),
        "healthz_all_degraded_in_time": all(
            code == 200 and status == "degraded" and seconds < HEALTHZ_PATIENCE
            for code, status, seconds in health
        ),
        "healthy_again_after_s": round(healthy_after, 1) if healthy else None,
        "acknowledged_submissions_in_phase": load.acknowledged() - acked_before,
        **outbox_work,
        "_phase": (phase_start, time.monotonic()),
        "_window": (locked, released),
        "_messages": (first, last_message_id()),
    }


def fill_the_disk(site, load: Load, media: Path, box: Outbox, *, mounted: bool) -> dict:
    """The media filesystem (a tmpfs of MEDIA_DISK) filled by another writer for
    DISK_FULL_SECONDS while the senders upload photos and evidence: every upload is refused with
    the portal's message, nothing half-stored; then the space comes back."""
    if not mounted:
        return {"skipped": "the media tmpfs needs root (mount -t tmpfs)"}
    phase_start = time.monotonic()
    first = last_message_id()
    time.sleep(5)
    told_before = load.told_disk_full
    say(f"filling the media disk for {DISK_FULL_SECONDS} s")
    filler = media / FILLER
    full = time.monotonic()
    fill(filler)
    time.sleep(DISK_FULL_SECONDS)
    filler.unlink()
    freed = time.monotonic()
    say("media disk has room again")
    time.sleep(15)
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(freed - full, 1),
        "pages_that_said_the_disk_was_full": load.told_disk_full - told_before,
        **outbox_work,
        "_phase": (phase_start, time.monotonic()),
        "_window": (full, freed),
        "_messages": (first, last_message_id()),
    }


def kill_a_web_worker(site, load: Load, box: Outbox) -> dict:
    """SIGKILL one gunicorn worker (out of memory, a crash in a C library) while the senders'
    requests are in flight: the requests it held get no answer, the master starts a new worker,
    a submission cut in the middle is pressed again and must not count twice."""
    phase_start = time.monotonic()
    first = last_message_id()
    time.sleep(5)
    master = site.web.proc.pid
    workers = children_of(master)
    caught = until(lambda: load.in_flight >= len(load.threads) - 1, seconds=30, every=0.01)
    in_flight = load.in_flight
    victim = workers[0]
    killed = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    say(f"gunicorn worker {victim} killed with {in_flight} requests in flight")

    def replaced() -> bool:
        now = children_of(master)
        return victim not in now and len(now) == len(workers) and healthz(site) == 200

    back = until(replaced, seconds=60, every=0.1)
    restarted = time.monotonic()
    time.sleep(15)
    outbox_work = box.settle(seconds=60)
    return {
        "window_s": round(restarted - killed, 1),
        "caught_in_flight": caught,
        "requests_in_flight_at_kill": in_flight,
        "replaced": back,
        **outbox_work,
        "_phase": (phase_start, time.monotonic()),
        "_window": (killed, restarted),
        "_messages": (first, last_message_id()),
    }


FILLER = "filler.bin"  # the other writer's file on the media disk, not the portal's


def fill(path: Path) -> None:
    """Write until the filesystem says ENOSPC, in large then small pieces."""
    with path.open("wb", buffering=0) as handle:
        for size in (1 << 20, 1 << 12):
            block = b"\0" * size
            with suppress(OSError):
                while True:
                    handle.write(block)


def children_of(pid: int) -> list[int]:
    """The process ids whose parent is `pid` (gunicorn's workers under its master)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def health_check(site) -> tuple[int, str, float]:
    """/healthz as a load balancer sees it: code, status, seconds."""
    start = time.monotonic()
    try:
        response = requests.get(site.url + "/healthz", timeout=10)
        status = response.json().get("status", "") if response.content else ""
        code = response.status_code
    except (requests.RequestException, ValueError):
        code, status = 0, ""
    return code, status, time.monotonic() - start


def stored_files(media: Path) -> dict:
    """Files on the media disk against the rows that name them: none without a row (orphans
    of a failed upload), no row without its file (an acknowledged upload lost)."""
    from nominations.models import Evidence, Nomination
    from reporting.models import Export
    from units.models import Person

    named = set(Evidence.objects.values_list("file", flat=True))
    for model, name in ((Nomination, "photo"), (Person, "photo"), (Export, "file")):
        named |= set(model.objects.exclude(**{name: ""}).values_list(name, flat=True))
    on_disk = {
        str(p.relative_to(media)) for p in media.rglob("*") if p.is_file() and p.name != FILLER
    }
    return {
        "files": len(on_disk),
        "rows_naming_a_file": len(named),
        "files_without_a_row": sorted(on_disk - named)[:20],
        "rows_without_their_file": sorted(named - on_disk)[:20],
    }


# --- the run ----------------------------------------------------------------------------------
def check_dossiers(load: Load) -> dict:
    from django.db.models import Count

    from nominations.models import Nomination, NominationEvent

    acked = {d.pk for d in load.dossiers if d.acknowledged}
    states = dict(Nomination.objects.filter(pk__in=acked).values_list("pk", "state"))
    submits = Counter(
        NominationEvent.objects.filter(
            kind="submit", nomination__in=[d.pk for d in load.dossiers if d.pk]
        ).values_list("nomination_id", flat=True)
    )
    per_person = (
        Nomination.objects.filter(nominee_person_id__in=[d.person for d in load.dossiers])
        .values("nominee_person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "dossiers_started": len(load.dossiers),
        "outcomes": dict(Counter(d.outcome for d in load.dossiers)),
        "submissions_acknowledged": len(acked),
        "acknowledged_found_submitted": sum(
            states.get(pk) not in (None, "draft") and submits[pk] == 1 for pk in acked
        ),
        "submitted_in_database": len(submits),
        "submitted_twice": sum(n > 1 for n in submits.values()),
        "people_with_two_dossiers": per_person,
        "second_presses": sum(d.submit_posts > 1 for d in load.dossiers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.faults", description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"):
        sys.exit("faults: needs PostgreSQL 15 (PG_BIN) and redis-server installed")
    began = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="thidua-faults-"))
    os.chmod(root, 0o755)  # noqa: S103 (the postgres user walks through to its own folder)
    media, mail = root / "media", root / "mail"
    media.mkdir()
    mail.mkdir()
    pg = Postgres(root / "pg")
    redis_server = RedisServer(root)
    mounted = mount_media(media)
    try:
        say(f"private PostgreSQL on {pg.port}, Redis on {redis_server.port}, in {root}")
        pg.init()
        redis_server.start()
        pg.create_database("thidua")
        os.environ.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=pg.url("thidua"),
            REDIS_URL=redis_server.url,
            MEDIA_ROOT=str(media),
            EMAIL_URL="memorymail://",  # the demo data's own e-mails stay in this process
            LOG_LEVEL="WARNING",
            # The portal's key: sessions made here are signed and hashed with it.
            SECRET_KEY=server_env("", "", "")["SECRET_KEY"],
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        )
        import django

        django.setup()
        say("migrating and seeding the demo data")
        plan = prepare()
        say(f"setup done in {time.monotonic() - began:.0f} s; starting the portal")
        summary = run(plan, pg, redis_server, mail=mail, media=media, mounted=mounted)
    finally:
        redis_server.stop()
        pg.stop()
        if mounted:
            subprocess.run(["umount", str(media)], check=False)  # noqa: S603, S607
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    summary["machine"] = {"cpus": os.cpu_count(), "seconds": round(time.monotonic() - began, 1)}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if summary["broken"]:
        say("BROKEN: " + "; ".join(summary["broken"]))
        sys.exit(1)
    say("every invariant held")


def mount_media(media: Path) -> bool:
    """The media folder as a filesystem of its own that can be filled (a tmpfs, root only)."""
    if os.geteuid() != 0:
        say("not root: the media disk cannot be mounted, the full-disk fault is skipped")
        return False
    done = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", MEDIA_DISK, "tmpfs", str(media)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        say(f"mount failed, the full-disk fault is skipped: {done.stderr.strip()}")
    return not done.returncode


def run(
    plan: Plan, pg: Postgres, redis_server: RedisServer, *, mail: Path, media: Path, mounted: bool
) -> dict:
    extra = {
        "EMAIL_URL": f"filemail:///{mail}",  # django-environ drops one /
        "MEDIA_ROOT": str(media),
        "CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
        "BUNDLE_STALE_SECONDS": BUNDLE_STALE_SECONDS,
    }
    servers = portal(pg.url("thidua"), redis_server.url, worker_concurrency=2, **extra)
    with servers as site, Load(site.url, plan) as load:
        say("load running; warming up")
        until(lambda: load.acknowledged() >= 12, seconds=60)
        say(f"{load.acknowledged()} submissions acknowledged; fault 1: kill the worker")
        box = Outbox(mail, plan.admin_id)
        faults = {"kill_worker": kill_the_worker(site, load, plan, box)}
        say(f"{load.acknowledged()} acknowledged; fault 2: restart PostgreSQL")
        faults["restart_postgres"] = restart_postgres(site, load, pg, box)
        faults["restart_postgres_idle"] = restart_postgres_while_idle(site, load, pg, box)
        say(f"{load.acknowledged()} acknowledged; fault 3: stop Redis")
        faults["stop_redis"] = stop_redis(site, load, redis_server, box)
        say(f"{load.acknowledged()} acknowledged; fault 4: lock the dossier table")
        faults["stall_database"] = stall_the_database(site, load, pg, box)
        say(f"{load.acknowledged()} acknowledged; fault 5: fill the media disk")
        faults["fill_disk"] = fill_the_disk(site, load, media, box, mounted=mounted)
        say(f"{load.acknowledged()} acknowledged; fault 6: kill a gunicorn worker")
        faults["kill_web_worker"] = kill_a_web_worker(site, load, box)
        load.stop.set()
        logs = {"web": site.web.log(), "worker": site.worker.log()}
    for name, text in logs.items():  # kept with --keep, with postgres.log and redis.log
        (mail.parent / f"{name}.log").write_text(text)
    fresh_connection()
    ran = {name: fault for name, fault in faults.items() if "skipped" not in fault}
    for fault in ran.values():
        phase, window = fault.pop("_phase"), fault.pop("_window")
        first, last = fault.pop("_messages")
        fault["requests"] = window_report(load.calls, phase, window)
        fault["notifications"] = outbox(mail, after_message=first, upto_message=last)
    dossiers = check_dossiers(load)
    everything = outbox(mail)
    # The bundle task's runs, from the worker's log: taken before the kill, taken again once.
    bundle_task = {
        what: len(re.findall(rf"Task reporting\.build_bundle\[[^\]]+\] {what}", logs["worker"]))
        for what in ("received", "succeeded", "raised unexpected")
    }
    killed, redis_down = faults["kill_worker"], faults["stop_redis"]
    stalled, web_killed = faults["stall_database"], faults["kill_web_worker"]
    disk = faults["fill_disk"]
    files = stored_files(media)
    killed["bundle_task_runs"] = bundle_task
    invariants = {
        "the worker was killed with both tasks in flight": killed["caught_in_flight"],
        "the killed tasks were redone after the restart": killed["killed_tasks_redone"],
        "the killed bundle was built once more, once": bundle_task
        == {"received": 2, "succeeded": 1, "raised unexpected": 0},
        "no 500 outside a fault's window": not any(
            f["requests"]["errors_500_outside_window"] for f in ran.values()
        ),
        "no 500, no request left without an answer while the dossier table was locked": not (
            stalled["requests"]["errors_500"] or stalled["requests"]["no_answer"]
        ),
        "no request held past gunicorn's timeout while the table was locked": (
            stalled["requests"]["slowest_s"] < GUNICORN_TIMEOUT
        ),
        "requests that needed the locked table got the 503 page": (
            stalled["requests"]["inside_window"].get("503", 0) > 0
        ),
        "/healthz answered within 2 s, degraded, while the table was locked": stalled[
            "healthz_all_degraded_in_time"
        ],
        "no 5xx while the media disk was full, and users were told": "skipped" in disk
        or (
            not disk["requests"]["errors_5xx_inside_window"]
            and disk["pages_that_said_the_disk_was_full"] > 0
        ),
        "no file without its row, no row without its file": not (
            files["files_without_a_row"] or files["rows_without_their_file"]
        ),
        "a gunicorn worker was killed mid-request and replaced": (
            web_killed["caught_in_flight"] and web_killed["replaced"]
        ),
        "no 500 when the gunicorn worker died; no answer only from the killed one": not (
            web_killed["requests"]["errors_500"]
            or web_killed["requests"]["no_answer_outside_window"]
        ),
        "no 5xx at all while Redis was down": not redis_down["requests"][
            "errors_5xx_inside_window"
        ],
        "/healthz stayed up (degraded) while only Redis was down": redis_down["healthz_while_down"]
        == 200,
        "submissions acknowledged while Redis was down": (
            redis_down["acknowledged_submissions_while_down"] > 0
        ),
        "every acknowledged submission is in the database, submitted once": (
            dossiers["acknowledged_found_submitted"] == dossiers["submissions_acknowledged"]
        ),
        "no dossier submitted twice, no nominee with two dossiers": not (
            dossiers["submitted_twice"] or dossiers["people_with_two_dossiers"]
        ),
        "every notification e-mailed exactly once": (
            everything["expected"] > 0 and not everything["duplicates"] + everything["missing"]
        ),
        "the outbox settled after every fault": all(f["all_settled"] for f in ran.values()),
    }
    return {
        "faults": faults,
        "dossiers": dossiers,
        "stored_files": files,
        "notifications_overall": everything,
        "requests_overall": count_statuses(load.calls),
        "logged": {
            "web_500": logs["web"].count("Internal Server Error:"),
            "web_503": logs["web"].count("Service Unavailable:"),
            "web_cache_unavailable": logs["web"].count("cache unavailable"),
            "worker_tracebacks": logs["worker"].count("Traceback"),
        },
        "invariants": invariants,
        "broken": [name for name, held in invariants.items() if not held],
    }


if __name__ == "__main__":
    main()
