"""A province with an urban and a rural commune, a poverty officer and a chairperson in commune A."""

from datetime import date

import pytest

from cchc.households import services
from cchc.org import services as org
from cchc.org.models import AdministrativeArea, AgencyType, Role

A = AdministrativeArea


@pytest.fixture
def area(superuser):
    province = A.objects.create(
        code="99", name="Tỉnh Thử", level=A.Level.PROVINCE, valid_from=date(2008, 1, 1)
    )
    rural = A.objects.create(
        code="99001",
        name="Xã Nông Thôn",
        level=A.Level.COMMUNE,
        setting=A.Setting.RURAL,
        parent=province,
        valid_from=date(2008, 1, 1),
    )
    urban = A.objects.create(
        code="99002",
        name="Phường Thành Thị",
        level=A.Level.COMMUNE,
        setting=A.Setting.URBAN,
        parent=province,
        valid_from=date(2008, 1, 1),
    )

    def mk(code, name, type_, parent=None, area=None):
        return org.agency_create(
            actor=superuser,
            code=code,
            name=name,
            type=type_,
            parent=parent,
            area=area,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )

    p = mk("000.00.00.H99", "UBND Tỉnh Thử", AgencyType.PROVINCE, area=province)
    return {
        "province": p,
        "a": mk("001.01.00.H99", "UBND Xã Nông Thôn", AgencyType.COMMUNE, p, rural),
        "b": mk("002.01.00.H99", "UBND Phường Thành Thị", AgencyType.COMMUNE, p, urban),
    }


@pytest.fixture
def officer(make_staff, area):
    return make_staff("officer.a", area["a"], [(Role.POVERTY_OFFICER, area["a"], False)])


@pytest.fixture
def chair(make_staff, area):
    return make_staff("chair.a", area["a"], [(Role.UNIT_LEADER, area["a"], False)])


HOUSEHOLD = dict(
    head_name="Nguyễn Văn Hộ",
    income_per_person=1_200_000,
    floor_area=40,
    water_source="piped",
    latrine="septic",
)
MEMBER = dict(
    full_name="Nguyễn Văn Hộ",
    birth_date=date(1980, 5, 1),
    sex="M",
    identity_number="001080000123",
    relation="Chủ hộ",
    education="upper_secondary",
    work="self_employed",
)


def add_household(actor, commune, code, members=1, **fields):
    household = services.household_create(actor=actor, commune=commune, code=code, **{**HOUSEHOLD, **fields})
    for i in range(members):
        services.member_add(
            actor=actor,
            household=household,
            **{**MEMBER, "full_name": f"Thành viên {i}", "identity_number": f"0010800001{i:02d}"},
        )
    return household
