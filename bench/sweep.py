"""The reminder sweep at national scale: a ministry campaign whose school deadline is three days
away, one nominator account per school (none of them has sent anything), so the sweep writes a
reminder and an e-mail delivery for every school. Measured: that first sweep, and the sweep beat
repeats every five minutes afterwards (nothing new to write), against a plain bulk_create of the
same number of message rows."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Round, RoundDeadline
from nominations.reminders import sweep
from notifications.models import Delivery, Message
from units.enums import Role, UnitLevel
from units.models import Membership, Unit, User

from .harness import require, rounded, timed


def _scenario():
    today = timezone.localdate()
    ministry = Unit.objects.get(code="BGDDT")
    campaign = Campaign.objects.create(
        owner_unit=ministry,
        code="BENCH-SWEEP",
        name="Phong trào đo lượt quét nhắc hạn",
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=300),
        status=CampaignStatus.OPEN,
        categories=["teacher"],
    )
    round_ = Round.objects.create(
        campaign=campaign,
        name="Đợt đo",
        kind="yearly",
        opens_on=today - datetime.timedelta(days=10),
        year=today.year,
    )
    RoundDeadline.objects.create(
        round=round_, level=UnitLevel.SCHOOL, deadline=today + datetime.timedelta(days=3)
    )
    schools = list(Unit.objects.filter(level=UnitLevel.SCHOOL).values_list("pk", "code"))
    users = User.objects.bulk_create(
        [
            User(username=f"bench.{code.lower()}", email=f"{code.lower()}@example.edu.vn")
            for _pk, code in schools
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, unit_id=pk, role=Role.NOMINATOR)
            for user, (pk, _code) in zip(users, schools, strict=True)
        ],
        batch_size=5000,
    )
    return len(schools)


def run(*, scale: str) -> dict:
    if scale != "demo":
        call_command("seed_demo", "--scale", scale, "--no-accounts", stdout=io.StringIO())
    from config.celery import app

    # Deliveries are queued as in production (to a broker), not sent inside the sweep: without
    # REDIS_URL the bench queues to Celery's in-memory transport.
    app.conf.task_always_eager = False
    schools = _scenario()
    first = None

    def first_sweep():
        nonlocal first
        first = sweep()

    first_s = timed(first_sweep)
    require(first.written >= schools, f"{first.written} reminders for {schools} schools")
    repeat_s = timed(sweep)
    written = Message.objects.filter(key__startswith="reminder:").count()
    rows = list(
        Message.objects.filter(key__startswith="reminder:").values(
            "key", "recipient_id", "kind", "subject", "body", "url"
        )
    )
    Delivery.objects.all().delete()
    Message.objects.all().delete()
    baseline_s = timed(
        lambda: Message.objects.bulk_create([Message(**row) for row in rows], batch_size=1000)
    )
    return {
        "scale": scale,
        "units": Unit.objects.count(),
        "schools": schools,
        "reminders_written": written,
        "first_sweep_s": rounded(first_s),
        "repeat_sweep_s": rounded(repeat_s),
        "bulk_create_same_messages_s": rounded(baseline_s),
        "first_sweep_vs_bulk_create_ratio": rounded(first_s / baseline_s, 3),
    }
