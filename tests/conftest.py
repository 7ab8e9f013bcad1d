"""Fixtures shared by every app's tests: a small organisation tree and staff with scoped roles."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from cchc.org import services as org
from cchc.org.models import AgencyType, Role


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads and generated files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password="x-Strong-Pass-2026",
                                                     full_name="Root Admin")


@pytest.fixture
def ministry(superuser):
    """Ministry → two departments (Cục) each with a division, and a Vụ. Returns a dict by short key."""

    def mk(code, name, type_, parent=None):
        return org.agency_create(actor=superuser, code=code, name=name, type=type_, parent=parent,
                                 valid_from=date(2010, 1, 1), record_change=False)

    m = mk("000.00.00.G99", "Bộ Thử nghiệm", AgencyType.MINISTRY)
    a = mk("000.00.01.G99", "Cục A", AgencyType.DEPARTMENT, m)
    b = mk("000.00.02.G99", "Cục B", AgencyType.DEPARTMENT, m)
    return {
        "ministry": m,
        "a": a,
        "b": b,
        "a1": mk("000.01.01.G99", "Phòng A1", AgencyType.DIVISION, a),
        "b1": mk("000.01.02.G99", "Phòng B1", AgencyType.DIVISION, b),
        "vu": mk("000.00.03.G99", "Vụ C", AgencyType.VU, m),
    }


@pytest.fixture
def make_staff(superuser):
    """make_staff("name", unit, [(Role.X, agency, include_subtree)]) → a staff user with those roles."""

    def make(username, unit, roles=(), password="x-Strong-Pass-2026"):
        user = org.staff_create(actor=superuser, username=username, full_name=username.title(), unit=unit,
                                password=password)
        for role, agency, subtree in roles:
            org.role_assign(actor=superuser, user=user, role=role, agency=agency, include_subtree=subtree)
        return get_user_model().objects.get(pk=user.pk)  # fresh object: no cached grants

    return make


@pytest.fixture
def citizen(db):
    User = get_user_model()
    return User.objects.create_user(username="citizen1", password="x-Strong-Pass-2026", kind=User.Kind.CITIZEN,
                                    full_name="Công Dân Một", email="c1@example.invalid")


@pytest.fixture
def demo_data(db):
    """The full demo data set, loaded through every app's demo loader (slow: use sparingly)."""
    import io

    from cchc.core.demoloader import demo_loaders

    out = io.StringIO()
    for _label, load in demo_loaders():
        load(out)
    return out.getvalue()


__all__ = ["Role"]
