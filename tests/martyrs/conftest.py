"""A department (Cục NCC) with a martyrs officer, a unit leader (may view, not handle) and an officer of
another department, one cemetery and a few martyrs."""

import pytest

from cchc.martyrs import services
from cchc.martyrs.models import Cemetery, Grave
from cchc.org.models import Role


@pytest.fixture
def officer(ministry, make_staff):
    return make_staff("ls.officer", ministry["a"], [(Role.MARTYRS_OFFICER, ministry["a"], True)])


@pytest.fixture
def leader(ministry, make_staff):
    return make_staff("ls.leader", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], True)])


@pytest.fixture
def outsider(ministry, make_staff):
    return make_staff("ls.other", ministry["b"], [(Role.MARTYRS_OFFICER, ministry["b"], True)])


@pytest.fixture
def cemetery(ministry):
    return Cemetery.objects.create(
        code="NT-1",
        name="Nghĩa trang liệt sĩ Thử",
        level=Cemetery.Level.NATIONAL,
        province_code="45",
        address="Quảng Trị",
        latitude="16.95000",
        longitude="106.95000",
        agency=ministry["a"],
    )


@pytest.fixture
def hung(superuser, ministry, cemetery):
    m = services.martyr_create(
        actor=superuser,
        agency=ministry["a"],
        full_name="Nguyễn Văn Hùng",
        birth_year=1948,
        native_place="Xã Vũ Hội, huyện Vũ Thư, Thái Bình",
        death_year=1972,
        death_month=8,
        next_of_kin="Nguyễn Thị Lan (em gái), 0912000001",
    )
    Grave.objects.create(cemetery=cemetery, zone="A", row="1", number="1", martyr=m, headstone=m.full_name)
    return m


@pytest.fixture
def namesakes(superuser, ministry):
    """Records that a careless search would confuse with Nguyễn Văn Hùng, 1948, Thái Bình."""
    rows = [
        ("Nguyễn Văn Hùng", 1950, "Nghệ An"),
        ("Nguyễn Văn Hưng", 1948, "Nam Định"),
        ("Nguyễn Văn Hùng", 1935, "Hải Phòng"),
        ("Nguyễn Hữu Hùng", 1948, "Thái Bình"),
        ("Trần Văn Hùng", 1948, "Thái Bình"),
        ("Nguyễn Văn Quý", 1946, "Hà Tây"),
        ("Lê Thị Thủy", 1952, "Hải Hưng"),
        ("Đặng Đình Kỳ", 1944, "Nghệ Tĩnh"),
    ]
    return [
        services.martyr_create(
            actor=superuser, agency=ministry["a"], full_name=n, birth_year=y, native_place=f"Huyện X, {p}"
        )
        for n, y, p in rows
    ]
