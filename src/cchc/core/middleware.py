from django.conf import settings

from .context import current_ip


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
