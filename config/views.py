"""Project-level pages: the home page, the health check and the server error page.

Error pages are the templates 403/404/500/503.html; they are rendered without context
processors, so they still show when the database is what failed."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.storage import StoredFileMissing
from nominations.todo import todo_for
from units.enums import PEOPLE_MANAGER_ROLES
from units.session import active_membership
from yearly.enums import ReportStatus
from yearly.selectors import assignments_of

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """The to-do list of the unit and role the user acts under (nominations.todo): what waits
    for them, what came back, drafts, deadlines of the coming days, report calls due; each with
    its first action one click away. A fixed number of queries (tests/config/test_home.py)."""
    membership = active_membership(request)
    user = request.user
    unit = membership.unit if membership else None
    context = {"membership": membership, "unit": unit}
    if membership:
        context.update(
            todo=todo_for(user, membership),
            reports_due=[
                a
                for a in assignments_of(user)
                if a.unit.pk == unit.pk
                and a.can_write
                and (a.report is None or a.report.status != ReportStatus.SENT)
            ],
            can_add_person=membership.role in PEOPLE_MANAGER_ROLES,
            can_import_people=user.has_perm("units.import_people"),
            can_import_units=user.has_perm("units.import_units"),
        )
    return render(request, "home.html", context)


# /healthz answers within its load balancer's patience (2 s) even when the database is stalled:
# each of its queries gives up after these many milliseconds instead of the web requests' 20 s.
HEALTH_STATEMENT_TIMEOUT_MS = 1000
HEALTH_LOCK_TIMEOUT_MS = 500


def _database_health() -> str:
    """Returns "ok"; "stalled" when the server answers but the dossier table cannot be read now
    (a lock held by a migration or by hand, a query that runs away): pages that need it are 503s
    until it clears; "error" when the server does not answer at all."""
    from nominations.models import Nomination

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_STATEMENT_TIMEOUT_MS}")
                cursor.execute(f"SET LOCAL lock_timeout = {HEALTH_LOCK_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
            try:
                with transaction.atomic():
                    table = connection.ops.quote_name(Nomination._meta.db_table)
                    cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 (our table)
                    cursor.fetchall()
            except OperationalError as exc:
                logger.warning("health check: the dossier table does not answer: %s", exc)
                return "stalled"
    except Exception:
        logger.exception("health check: database")
        return "error"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not: what a load balancer needs to know
    whether this node can serve pages. A stalled dossier table and Redis down are reported but
    only degrade the portal: every node shares the same database and Redis, so taking nodes out
    of the pool for them would replace the portal's own 503 page and its cache-less pages with
    the balancer's bare error (docs/reliability.md)."""
    checks = {"database": _database_health()}
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            logger.warning("health check: redis unavailable: %s", exc)
            checks["redis"] = "error"
    if checks["database"] == "error":
        status = "error"
    else:
        status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "error" else 200
    )


def page_not_found(request, exception):
    """handler404: a download whose stored file is gone says so, rather than that the page
    does not exist (core/storage.py logs it)."""
    if isinstance(exception, StoredFileMissing):
        return render(request, "404_file.html", status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The page of an unhandled error (handler500). When the database is what failed (restarting,
    unreachable, a broken connection, or a query cancelled by the web requests' statement or lock
    timeout: psycopg's QueryCanceled and LockNotAvailable, both an OperationalError to Django),
    it is a 503 with Retry-After: a temporary outage that says to try again shortly, not a fault
    of the portal. Anything else is Django's 500 page."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)
