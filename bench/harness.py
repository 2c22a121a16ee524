"""What every benchmark shares: a throwaway database seeded with the demo data, private media in
a temporary folder, and timing that interleaves a measure with its baseline."""

import datetime
import io
import logging
import statistics
import tempfile
import time
from contextlib import contextmanager

import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

# Inside the demo campaign SGD-DN-DHTT-2024-2027's round 2026-2027 (10:00 in Hà Nội), whatever
# the date the bench runs on: dossiers can only be created while their round is open.
IN_WINDOW = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)


@contextmanager
def throwaway_database():
    """A fresh database (the test database of DATABASE_URL's engine), gone afterwards."""
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    old_name = connection.settings_dict["NAME"]
    # E-mails the demo data sends (the yearly-report call) must not reach stdout, which is JSON.
    mail = "django.core.mail.backends.locmem.EmailBackend"
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media, EMAIL_BACKEND=mail),
    ):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            call_command("seed_demo", verbosity=0, stdout=io.StringIO())
            yield
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


@contextmanager
def in_window():
    with time_machine.travel(IN_WINDOW, tick=True):
        yield


def require(condition: bool, message) -> None:
    """A benchmark that measured the wrong thing must not print a number."""
    if not condition:
        raise RuntimeError(f"bench: {message}")


@contextmanager
def counting_queries():
    """Counts every query (CaptureQueriesContext misses those of a request: Django resets the
    query log when a request starts)."""
    count = [0]

    def count_one(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_one):
        yield count


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(measure, baseline, *, repeat: int) -> tuple[float, float]:
    """Medians of `repeat` runs of each, alternating so that drift hits both alike."""
    measured, based = [], []
    for _ in range(repeat):
        measured.append(timed(measure))
        based.append(timed(baseline))
    return statistics.median(measured), statistics.median(based)


def rounded(value: float, digits: int = 4) -> float:
    return round(value, digits)
