"""Production settings for the portal under load on loopback (`bench/servers.py`): the same as
`config.settings` with DEBUG off, except that cookies are not `Secure` (the load comes over plain
HTTP, so a browser-like client would never send them back) and that the URL conf adds the limit
views of `bench/limits.py` next to the portal's own."""

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.urls"
