"""Site-wide request hygiene, in front of every view.

- Vietnamese first: the UI language comes from the user's own choice, never from the browser.
  Many officials run browsers set to English; they must still get the Vietnamese portal unless
  they pick English in the footer (which sets the language cookie that LocaleMiddleware reads).
- Nothing shown to a logged-in user is kept by a browser or a proxy cache: their pages and
  downloads carry personal data, and office computers are shared (`private_when_logged_in`;
  downloads set the same header themselves, whoever reaches them).
- Malformed input is refused once, here, with the portal's 400 page: a NUL character anywhere in
  the path, the query or a form field (PostgreSQL refuses NUL in text, so it would reach a view as
  a 500), a query string that is not valid percent-encoded UTF-8 (Django would silently turn it
  into replacement characters and search for those). No person types these; links cut in half,
  bad copy-paste and scanners do.
"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template import loader

# A "%" not followed by two hex digits: browsers always encode "%" itself as "%25".
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# What every logged-in page and every download of personal data says to caches.
PRIVATE_CACHE_CONTROL = "no-store, private"


def vietnamese_first(get_response):
    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware


def _malformed_query(raw: bytes) -> bool:
    if _BAD_PERCENT.search(raw.decode("latin-1")):
        return True
    try:
        decoded = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return "\x00" in decoded


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


def malformed(request) -> str | None:
    """Why the request cannot be a person's, or None."""
    if "\x00" in request.path:
        return "path"
    # WSGI hands the query string as latin-1 text of the raw bytes.
    if _malformed_query(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")):
        return "query"
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        try:
            fields = request.POST
        except MultiPartParserError:  # a body cut short or a broken boundary
            return "form"
        if _has_nul(fields):
            return "form"
    return None


def bad_request_page() -> HttpResponseBadRequest:
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def reject_malformed_input(get_response):
    def middleware(request):
        if malformed(request) is not None:  # Django's request log records the 400 itself
            return bad_request_page()
        return get_response(request)

    return middleware


def private_when_logged_in(get_response):
    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response

    return middleware
