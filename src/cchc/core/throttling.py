"""The API's throttles (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]); a module of their own because
DRF imports them while it loads its views."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from .middleware import client_ip


class _ThrottleMixin:
    """Rates read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] when the request comes (DRF binds
    them at import), and the client identified as everywhere else in cchc: `client_ip`, which
    trusts only CCHC_PROXY_COUNT proxies (DRF's own reading of X-Forwarded-For trusts any)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(f"no throttle rate for scope {self.scope!r}") from None

    def get_ident(self, request):
        return client_ip(request) or ""


class AnonThrottle(_ThrottleMixin, AnonRateThrottle):
    """Requests without a user, per client address (scope "anon")."""


class UserThrottle(_ThrottleMixin, UserRateThrottle):
    """Requests of a signed-in user or token, per user (scope "user")."""


class ScopedThrottle(_ThrottleMixin, ScopedRateThrottle):
    """Views that name a `throttle_scope` (e.g. "token") get that scope's rate on top."""
