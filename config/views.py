"""Project-level pages: the home page, the health check and the server error page.

Error pages are the templates 403/404/500/503.html; they are rendered without context
processors, so they still show when the database is what failed."""

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from units import selectors
from units.enums import PEOPLE_MANAGER_ROLES
from units.session import active_membership

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """What the user can do next, from the unit and role they act under."""
    membership = active_membership(request)
    user = request.user
    unit = membership.unit if membership else None
    context = {
        "membership": membership,
        "unit": unit,
        "level_counts": selectors.unit_level_counts(unit) if unit else {},
        "people_in_unit": (
            selectors.people_visible_to(user).filter(unit__path__startswith=unit.path).count()
            if unit
            else 0
        ),
        "can_add_person": bool(unit) and membership.role in PEOPLE_MANAGER_ROLES,
        "can_import_people": user.has_perm("units.import_people"),
        "can_import_units": user.has_perm("units.import_units"),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not: what a load balancer needs to know
    whether this node can serve pages. Redis is reported too, but its outage only degrades the
    portal (pages skip the cache, notices and bundles wait for the requeue; docs/reliability.md):
    taking every node out of the pool for it would turn a degradation into an outage."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("health check: database")
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            logger.warning("health check: redis unavailable: %s", exc)
            checks["redis"] = "error"
    if checks["database"] != "ok":
        status = "error"
    else:
        status = "ok" if all(v == "ok" for v in checks.values()) else "degraded"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "error" else 200
    )


def server_error(request):
    """The page of an unhandled error (handler500). When the database is what failed (restarting,
    unreachable, a broken connection), it is a 503 with Retry-After: a temporary outage that says
    to try again shortly, not a fault of the portal. Anything else is Django's 500 page."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)
