from datetime import date
from decimal import Decimal

import pytest

from cchc.org import services as org
from cchc.org.models import AgencyType, Role
from cchc.parindex import methodology, services
from cchc.parindex.models import Methodology

D = Decimal


def load_template(actor, name: str) -> Methodology:
    path = methodology.TEMPLATE_DIR / name
    return services.methodology_import(
        actor=actor, filename=path.name, data=path.read_bytes(), allow_unavailable_metrics=True
    )


@pytest.fixture
def moha(superuser):
    return org.agency_create(
        actor=superuser,
        code="000.00.00.G04",
        name="Bộ Nội vụ",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )


@pytest.fixture
def second_ministry(superuser):
    return org.agency_create(
        actor=superuser,
        code="000.00.00.G98",
        name="Bộ Thứ hai",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )


@pytest.fixture
def ministries_cycle(superuser, moha, ministry, second_ministry):
    """A 1149-style cycle run by the Ministry of Home Affairs over two ministries."""
    m = load_template(superuser, "bnv-1149-bo.yaml")
    cycle = services.cycle_create(
        actor=superuser,
        code="BO-2020",
        name="Chỉ số CCHC 2020 các bộ",
        year=2020,
        methodology=m,
        owner=moha,
        groups=[{"label": "Nhóm 1", "min": "90"}, {"label": "Nhóm 2", "min": "80"}],
    )
    for agency in (ministry["ministry"], second_ministry):
        services.subject_add(actor=superuser, cycle=cycle, agency=agency)
    return cycle


@pytest.fixture
def units_cycle(superuser, ministry):
    """A ministry-internal cycle in blocks: Cục A and Cục B in block CUC, Vụ C in block VU."""
    m = load_template(superuser, "bo-noibo-khoi.yaml")
    cycle = services.cycle_create(
        actor=superuser,
        code="DV-2018",
        name="Chỉ số CCHC các đơn vị 2018",
        year=2018,
        methodology=m,
        owner=ministry["ministry"],
    )
    for key, block in (("a", "CUC"), ("b", "CUC"), ("vu", "VU")):
        services.subject_add(actor=superuser, cycle=cycle, agency=ministry[key], block=block)
    return cycle


@pytest.fixture
def officers(make_staff, ministry):
    """Reform officers of Cục A and Cục B, and an appraiser."""
    return {
        "a": make_staff("officer.a", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)]),
        "b": make_staff("officer.b", ministry["b"], [(Role.REFORM_OFFICER, ministry["b"], True)]),
        "appraiser": make_staff("appraiser1", ministry["vu"], [(Role.APPRAISER, ministry["vu"], False)]),
    }
