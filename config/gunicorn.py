"""gunicorn's settings for the portal: `gunicorn config.wsgi -c config/gunicorn.py` (Procfile,
bench/servers.py). The command line and GUNICORN_CMD_ARGS override any of them.

Threads (gthread), because a request mostly waits on PostgreSQL, Redis or the disk; one process
per core (WEB_CONCURRENCY) because the GIL lets one process use one core. The database limits of
a web request (config/settings.py: 20-s statements, 10-s lock waits) end a stuck request well
before `timeout`, so a stalled table gives the portal's own 503 page, not a killed worker."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
threads = int(os.environ.get("WEB_THREADS", 4))
# A worker silent for this long (a C call that holds the GIL, a deadlock) is killed and replaced;
# above the 20-s statement timeout, so a slow query is never what kills a worker.
timeout = 30
# On a reload or stop, requests in flight get this long to finish: a request whose query is
# at the statement timeout still ends with its answer rather than a reset connection.
graceful_timeout = 25
keepalive = 5
