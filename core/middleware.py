"""Vietnamese first: the UI language comes from the user's own choice, never from the browser.

Many officials run browsers set to English; they must still get the Vietnamese portal unless they
pick English in the footer (which sets the language cookie that LocaleMiddleware reads).
"""


def vietnamese_first(get_response):
    def middleware(request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return get_response(request)

    return middleware
