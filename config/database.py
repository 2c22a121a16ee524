"""How long a database statement may run, by kind of process.

A web request has a person waiting and a gunicorn worker to give back: a query stuck behind a lock
(a long migration, a manual `LOCK TABLE`) must fail within seconds and become the 503 page
(config.views.server_error), not hold the thread until the person gives up. Celery workers and
management commands (migrate, imports, seed_demo, the bundle builds) have nobody waiting: a
migration that gave up halfway behind a lock, or a bundle build cancelled and retried into the
same lock, would be worse than a wait, so they keep the server's own settings (normally none).
"""

import os
from pathlib import Path

# Management commands that serve web requests themselves.
SERVING_COMMANDS = {"runserver", "testserver"}


def serves_requests(argv: list[str]) -> bool:
    """Whether this process answers web requests: gunicorn, runserver, the test runner (which
    drives requests through the test client). PORTAL_PROCESS=web|background overrides."""
    forced = os.environ.get("PORTAL_PROCESS", "")
    if forced:
        return forced == "web"
    if not argv:
        return True
    program = Path(argv[0])
    if program.name == "celery" or "celery" in program.parts:
        return False
    if program.name == "manage.py" or program.name == "django-admin":
        return len(argv) > 1 and argv[1] in SERVING_COMMANDS
    return True


def postgres_options(*, statement_timeout: float, lock_timeout: float) -> str:
    """libpq's `options`: the limits set on every new connection, in milliseconds (0: none)."""
    return (
        f"-c statement_timeout={int(statement_timeout * 1000)} "
        f"-c lock_timeout={int(lock_timeout * 1000)}"
    )
