"""Demo: a few martyrs' cemeteries with graves (some unidentified), martyrs from several provinces
(among them old and merged province names), families' requests in every state, and a martyrs records
officer in the Cục Người có công. Every person here is synthetic ([mẫu]); cemetery names are real
places but their graves and figures are not."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cchc.org import services as org
from cchc.org.demo import DEMO_PASSWORD, MOLISA_CODE
from cchc.org.models import Agency, Role

from . import services
from .models import Cemetery, Grave, Request

NCC_CODE = "000.00.13.G12"  # Cục Người có công
CEMETERIES = [
    # code, name, level, province, address, lat, lon, manager
    (
        "NTLS-TS",
        "Nghĩa trang liệt sĩ quốc gia Trường Sơn",
        "national",
        "45",
        "Xã Vĩnh Trường, huyện Gio Linh, Quảng Trị",
        16.95,
        106.95,
        "Sở Lao động - Thương binh và Xã hội Quảng Trị",
    ),
    (
        "NTLS-Đ9",
        "Nghĩa trang liệt sĩ quốc gia Đường 9",
        "national",
        "45",
        "Phường 4, thành phố Đông Hà, Quảng Trị",
        16.81,
        107.08,
        "Sở Lao động - Thương binh và Xã hội Quảng Trị",
    ),
    (
        "NTLS-ST",
        "Nghĩa trang liệt sĩ thị xã Sơn Tây",
        "district",
        "01",
        "Thị xã Sơn Tây, Hà Nội",
        21.13,
        105.50,
        "Ủy ban nhân dân thị xã Sơn Tây",
    ),
    (
        "NTLS-VX",
        "Nghĩa trang liệt sĩ Vị Xuyên",
        "national",
        "02",
        "Thị trấn Vị Xuyên, Hà Giang",
        22.67,
        104.98,
        "Sở Lao động - Thương binh và Xã hội Hà Giang",
    ),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Đức", "Hữu", "Công", "Quang", "Đình", "Xuân", "Minh"]
GIVEN = [
    "Hùng",
    "Quý",
    "Thủy",
    "Hòa",
    "Sơn",
    "Dũng",
    "Lý",
    "Tuấn",
    "Bình",
    "Hải",
    "Thắng",
    "Lợi",
    "Kỳ",
    "Nam",
]
HOMETOWNS = [
    "Xã Vũ Hội, huyện Vũ Thư, Thái Bình",
    "Huyện Thanh Oai, Hà Tây",
    "Huyện Ý Yên, Hà Nam Ninh",
    "Huyện Nghi Lộc, Nghệ Tĩnh",
    "Huyện Kim Động, Hải Hưng",
    "Huyện Lập Thạch, Vĩnh Phú",
    "Huyện Hoằng Hóa, Thanh Hóa",
    "Xã Y Tý, huyện Bát Xát, Lào Cai",
    "Huyện Tiên Du, Hà Bắc",
    "Huyện Yên Thành, Nghệ An",
]
UNITS = [
    "Trung đoàn 48, Sư đoàn 320",
    "Tiểu đoàn 2, Trung đoàn 64",
    "Đoàn 559",
    "Sư đoàn 308",
    "Trung đoàn 27",
]


def load(out) -> None:
    User = get_user_model()
    admin = User.objects.get(username="admin")
    ncc = Agency.objects.filter(code=NCC_CODE).first() or Agency.objects.get(code=MOLISA_CODE)
    rng = random.Random(1972)
    cemeteries = [
        Cemetery.objects.create(
            code=code,
            name=name,
            level=level,
            province_code=province,
            address=address,
            latitude=lat,
            longitude=lon,
            manager=manager,
            agency=ncc,
            is_synthetic=True,
        )
        for code, name, level, province, address, lat, lon, manager in CEMETERIES
    ]
    officer = org.staff_create(
        actor=admin,
        username="martyrs",
        full_name="Trần Thị Tri Ân [mẫu]",
        unit=ncc,
        position="Chuyên viên Cục NCC",
        password=DEMO_PASSWORD,
        email="martyrs@example.invalid",
        is_synthetic=True,
    )
    org.role_assign(actor=admin, user=officer, role=Role.MARTYRS_OFFICER, agency=ncc, include_subtree=True)
    martyrs = [
        services.martyr_create(
            actor=admin,
            agency=ncc,
            full_name="Nguyễn Văn Hùng [mẫu]",
            aliases="Nguyễn Văn Hưng",
            birth_year=1948,
            native_place="Xã Vũ Hội, huyện Vũ Thư, Thái Bình",
            military_unit="Trung đoàn 48, Sư đoàn 320",
            rank="Trung sĩ",
            position="Tiểu đội trưởng",
            death_year=1972,
            death_month=8,
            death_day=12,
            death_place="Thành cổ Quảng Trị",
            certificate_number="GCN-1973-004812",
            certificate_year=1973,
            next_of_kin="Nguyễn Thị Lan (em gái), 0912 000 001 [mẫu]",
            is_synthetic=True,
        )
    ]
    for i in range(80):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} [mẫu]"
        year = rng.randint(1935, 1958)
        martyrs.append(
            services.martyr_create(
                actor=admin,
                agency=ncc,
                full_name=name,
                birth_year=year if i % 9 else None,
                native_place=rng.choice(HOMETOWNS),
                military_unit=rng.choice(UNITS),
                rank=rng.choice(["Binh nhất", "Hạ sĩ", "Trung sĩ", "Thiếu úy"]),
                death_year=year + rng.randint(18, 30),
                death_month=rng.choice([None, rng.randint(1, 12)]),
                death_place=rng.choice(["Quảng Trị", "Khe Sanh", "Vị Xuyên, Hà Giang", "Tây Ninh"]),
                next_of_kin=f"Thân nhân số {i + 1} [mẫu], 09{rng.randint(10000000, 99999999)}",
                is_synthetic=True,
            )
        )
    graves = 0
    for i, martyr in enumerate(martyrs):
        cemetery = cemeteries[i % len(cemeteries)]
        Grave.objects.create(
            cemetery=cemetery,
            zone=f"Khu {chr(65 + i % 3)}",
            row=str(1 + i // 12),
            number=str(1 + i),
            martyr=martyr,
            headstone=martyr.full_name,
            info=Grave.Info.FULL,
        )
        graves += 1
    for cemetery in cemeteries:
        for j in range(6):
            Grave.objects.create(
                cemetery=cemetery,
                zone="Khu D",
                row="1",
                number=str(200 + j),
                headstone="Liệt sĩ chưa biết tên",
                info=Grave.Info.NONE if j % 2 else Grave.Info.PARTIAL,
            )
            graves += 1
    hung = martyrs[0]
    unknown = Grave.objects.filter(martyr__isnull=True).first()
    reqs = [
        services.request_file(
            kind=Request.Kind.GRAVE_SEARCH,
            content="Gia đình tìm mộ liệt sĩ Nguyễn Văn Hùng, sinh 1948, quê Thái Bình, hy sinh 1972 ở Quảng Trị. [mẫu]",
            requester_name="Nguyễn Thị Lan [mẫu]",
            relation="em gái",
            email="lan.family@example.invalid",
            phone="0912000001",
            martyr_name="Nguyễn Văn Hùng",
            synthetic=True,
        ),
        services.request_file(
            kind=Request.Kind.DOCUMENTS,
            content="Xin bản trích lục hồ sơ liệt sĩ gửi qua bưu điện. [mẫu]",
            martyr=hung,
            requester_name="Nguyễn Văn Tâm [mẫu]",
            relation="cháu",
            phone="0912000002",
            delivery=Request.Delivery.POSTAL,
            postal_address="Thôn 3, xã Vũ Hội, tỉnh Hưng Yên [mẫu]",
            synthetic=True,
        ),
        services.request_file(
            kind=Request.Kind.CORRECTION,
            content="Ngày hy sinh trên bia mộ là 12/9/1972, giấy báo tử ghi 12/8/1972. [mẫu]",
            martyr=hung,
            requester_name="Nguyễn Thị Lan [mẫu]",
            email="lan.family@example.invalid",
            synthetic=True,
        ),
        services.request_file(
            kind=Request.Kind.UNIDENTIFIED,
            content="Cựu chiến binh cùng đơn vị biết người an táng ở mộ này. [mẫu]",
            grave=unknown,
            requester_name="Lê Văn Cựu Binh [mẫu]",
            phone="0912000003",
            delivery=Request.Delivery.IN_PERSON,
            synthetic=True,
        ),
    ]
    services.request_take_up(actor=officer, request=reqs[0])
    services.request_answer(
        actor=officer,
        request=reqs[0],
        reply="Mộ liệt sĩ ở Nghĩa trang liệt sĩ quốc gia Trường Sơn, Khu A, hàng 1, mộ số 1. [mẫu]",
        grave=hung.grave,
    )
    # One older request past its due date, for the overdue list and the on-time metric.
    Request.objects.filter(pk=reqs[3].pk).update(
        received_at=timezone.now() - timedelta(days=40), due_at=timezone.now() - timedelta(days=19)
    )
    out.write(
        f"  {len(cemeteries)} martyrs' cemeteries, {len(martyrs)} martyrs, {graves} graves, {len(reqs)} requests; account martyrs\n"
    )
