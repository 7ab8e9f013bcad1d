"""At most N requests an hour from one client address, per purpose (tracking codes, registration,
password reset): one machine can neither probe nor flood. A counter in the shared cache per
address and clock hour; the address is `client_ip` (the trusted proxies' view of it)."""

from django.core.cache import cache
from django.utils import timezone

from .middleware import client_ip


def per_address_allowed(request, scope: str, limit_per_hour: int) -> bool:
    """Count this request against `scope` for its client address; False once over the limit."""
    key = f"ratelimit.{scope}.{client_ip(request)}.{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, 3600)
    return cache.incr(key) <= limit_per_hour
