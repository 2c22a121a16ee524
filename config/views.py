"""Project-level pages: the home page and the health check.

Error pages are the templates 403/404/500.html; Django renders 500.html without context
processors, so it still shows when the database is what failed."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
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
    """200 when the database (and Redis, if configured) answer; 503 otherwise."""
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
        except Exception:
            logger.exception("health check: redis")
            checks["redis"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
