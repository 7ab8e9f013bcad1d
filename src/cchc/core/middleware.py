from django.conf import settings
from django.utils.cache import add_never_cache_headers

from .context import current_ip
from .text import nfc_querydict

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def client_ip(request) -> str | None:
    """The client address; behind N trusted proxies, the Nth address from the right of X-Forwarded-For."""
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= proxies:
            return chain[-proxies]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class VietnameseFirstMiddleware:
    """Vietnamese unless the user chose English with the language switch.

    The browser's Accept-Language is ignored: many civil servants run English-language browsers,
    and the platform's documents and forms are Vietnamese. The choice is the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response that may hold personal data, so neither a shared
    proxy nor the browser's disk keeps it: the API, every page for a signed-in user (households,
    dossiers, accounts, audited views of personal data all sit behind sign-in) and anonymous
    pages backed by a session (dossier tracking, sign-in, password reset). Public catalogue pages
    of a visitor without a session stay cacheable; static files never reach this middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._personal(request):
            add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private
        return response

    @staticmethod
    def _personal(request) -> bool:
        if request.path.startswith("/api/"):
            return True
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        session = getattr(request, "session", None)
        return session is not None and not session.is_empty()


class NFCInputMiddleware:
    """Query strings and posted forms in NFC before any view or form sees them (core.text): one
    place for every web form, so text typed in decomposed Unicode is stored, and searched, as the
    same letters as everyone else's. (Passwords too, as NIST SP 800-63B recommends.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = nfc_querydict(request.GET)
        # Page forms are parsed here, as CsrfViewMiddleware would anyway; the API's bodies are left
        # to its parsers (core.text), which read the stream themselves.
        if (
            request.method == "POST"
            and request.content_type in FORM_CONTENT_TYPES
            and not request.path.startswith("/api/")
        ):
            request.POST = nfc_querydict(request.POST)
        return self.get_response(request)
