import io

import pytest


@pytest.fixture
def molisa_2018(db):
    """The org, procedures and reform demos (the registers behind the 2018 report)."""
    from cchc.org import demo as org_demo
    from cchc.org.models import Agency
    from cchc.procedures import demo as procedures_demo
    from cchc.reform import demo as reform_demo

    out = io.StringIO()
    org_demo.load(out)
    procedures_demo.load(out)
    reform_demo.load(out)
    return Agency.objects.get(code="000.00.00.G12")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Demo accounts are hashed with the production hasher otherwise; tests need no key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
