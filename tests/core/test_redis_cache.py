"""REDIS_URL: the shared cache on Redis (the `redis` extra)."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from cchc.settings import cache_settings

REDIS_URL = os.environ.get("CCHC_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_redis_url_selects_the_redis_cache():
    caches = cache_settings("redis://cache.internal:6379/0")
    assert caches["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
    }
    assert cache_settings("")["default"]["BACKEND"].endswith("FileBasedCache")


def test_settings_load_with_redis_url_in_a_fresh_process(tmp_path):
    """The crash of issue 14: with REDIS_URL set, settings and the cache object must load."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.cache import caches;"
        "print(settings.CACHES['default']['BACKEND'], type(caches['default']).__name__)"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
        "CCHC_DATA_DIR": str(tmp_path),
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "RedisCache"]


@pytest.mark.skipif(not _redis_answers(), reason="no Redis answers at 127.0.0.1:6379")
def test_job_progress_round_trips_through_a_real_redis():
    cache = RedisCache(REDIS_URL, {})
    key = f"cchc:test:{uuid.uuid4().hex}"
    try:
        cache.set(key, {"done": 3, "total": 7, "message": "Đang nhập"}, timeout=30)
        assert cache.get(key) == {"done": 3, "total": 7, "message": "Đang nhập"}
    finally:
        cache.delete(key)
    assert cache.get(key) is None
