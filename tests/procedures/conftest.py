import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Demo accounts are hashed with the production hasher otherwise; tests need no key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
