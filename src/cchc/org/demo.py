"""Demo organisation: the Ministry of Labour, Invalids and Social Affairs (2018) with its real unit
names, the other ministries, some provinces, districts and communes, and synthetic people.

Identifier codes follow the form of QĐ 20/2020/QĐ-TTg but are illustrative, as are the decisions
of the 2018 restructuring (the unit names are real; the records are synthetic but consistent with
the reported result: one unit fewer, 10 divisions dissolved inside 3 Vụ).
"""

from datetime import date

from django.contrib.auth import get_user_model

from . import services
from .models import AdministrativeArea, Agency, AgencyType, Role

DEMO_PASSWORD = "cchc-demo-2026"
T = AgencyType

MOLISA_CODE = "000.00.00.G12"
MOLISA_UNITS = [
    # (suffix, name, short name, type)
    ("01", "Văn phòng Bộ", "Văn phòng", T.OFFICE),
    ("02", "Thanh tra Bộ", "Thanh tra", T.INSPECTORATE),
    ("03", "Vụ Kế hoạch - Tài chính", "Vụ KHTC", T.VU),
    ("04", "Vụ Tổ chức cán bộ", "Vụ TCCB", T.VU),
    ("05", "Vụ Pháp chế", "Vụ PC", T.VU),
    ("06", "Vụ Hợp tác quốc tế", "Vụ HTQT", T.VU),
    ("07", "Vụ Bình đẳng giới", "Vụ BĐG", T.VU),
    ("08", "Vụ Bảo hiểm xã hội", "Vụ BHXH", T.VU),
    ("09", "Tổng cục Giáo dục nghề nghiệp", "TCGDNN", T.GENERAL_DEPARTMENT),
    ("10", "Cục Quản lý lao động ngoài nước", "Cục QLLĐNN", T.DEPARTMENT),
    ("11", "Cục An toàn lao động", "Cục ATLĐ", T.DEPARTMENT),
    ("12", "Cục Việc làm", "Cục VL", T.DEPARTMENT),
    ("13", "Cục Người có công", "Cục NCC", T.DEPARTMENT),
    ("14", "Cục Bảo trợ xã hội", "Cục BTXH", T.DEPARTMENT),
    ("15", "Cục Trẻ em", "Cục TE", T.DEPARTMENT),
    ("16", "Cục Phòng, chống tệ nạn xã hội", "Cục PCTNXH", T.DEPARTMENT),
    ("17", "Trung tâm Thông tin", "TTTT", T.PUBLIC_SERVICE_UNIT),
    ("18", "Ban Quản lý các dự án đầu tư xây dựng", "BQLDA", T.PUBLIC_SERVICE_UNIT),
]
# Divisions (phòng) inside three Vụ, dissolved in the 2018 reorganisation (synthetic records).
DISSOLVED_2018 = {
    "03": ["Phòng Kế hoạch", "Phòng Tài chính hành chính sự nghiệp", "Phòng Đầu tư", "Phòng Tổng hợp"],
    "04": ["Phòng Tổ chức bộ máy", "Phòng Cán bộ", "Phòng Đào tạo bồi dưỡng"],
    "05": ["Phòng Xây dựng pháp luật", "Phòng Kiểm tra văn bản", "Phòng Phổ biến giáo dục pháp luật"],
}
KEPT_DIVISIONS = {
    "12": ["Phòng Chính sách việc làm", "Phòng Thị trường lao động", "Phòng Bảo hiểm thất nghiệp"],
    "11": ["Phòng Chính sách an toàn lao động", "Phòng Kiểm định"],
    "10": ["Phòng Quản lý lao động", "Phòng Thị trường ngoài nước"],
    "09": ["Vụ Đào tạo chính quy", "Vụ Đào tạo thường xuyên"],
}

OTHER_MINISTRIES = [
    ("G01", "Bộ Quốc phòng"),
    ("G02", "Bộ Công an"),
    ("G03", "Bộ Ngoại giao"),
    ("G04", "Bộ Nội vụ"),
    ("G05", "Bộ Tư pháp"),
    ("G06", "Bộ Kế hoạch và Đầu tư"),
    ("G07", "Bộ Tài chính"),
    ("G08", "Bộ Công Thương"),
    ("G09", "Bộ Nông nghiệp và Phát triển nông thôn"),
    ("G10", "Bộ Giao thông vận tải"),
    ("G11", "Bộ Xây dựng"),
    ("G13", "Bộ Tài nguyên và Môi trường"),
    ("G14", "Bộ Thông tin và Truyền thông"),
    ("G15", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("G16", "Bộ Khoa học và Công nghệ"),
    ("G17", "Bộ Giáo dục và Đào tạo"),
    ("G18", "Bộ Y tế"),
    ("G19", "Ủy ban Dân tộc"),
    ("G20", "Ngân hàng Nhà nước Việt Nam"),
    ("G21", "Thanh tra Chính phủ"),
    ("G22", "Văn phòng Chính phủ"),
]

# Provinces with (district, setting, [communes]) before the 2025 reform. GSO-style codes.
PROVINCES = [
    (
        "01",
        "H29",
        "Thành phố Hà Nội",
        [
            (
                "001",
                "Quận Ba Đình",
                "urban",
                [("00001", "Phường Phúc Xá", "urban"), ("00004", "Phường Trúc Bạch", "urban")],
            ),
            (
                "250",
                "Huyện Mê Linh",
                "rural",
                [("08974", "Xã Tráng Việt", "rural"), ("08980", "Xã Tiền Phong", "rural")],
            ),
        ],
    ),
    (
        "10",
        "H37",
        "Tỉnh Lào Cai",
        [
            (
                "080",
                "Thành phố Lào Cai",
                "urban",
                [("02656", "Phường Cốc Lếu", "urban"), ("02662", "Xã Vạn Hòa", "rural")],
            ),
            (
                "082",
                "Huyện Bát Xát",
                "rural",
                [
                    ("02689", "Xã A Mú Sung", "rural"),
                    ("02692", "Xã Nậm Chạc", "rural"),
                    ("02698", "Xã Y Tý", "rural"),
                ],
            ),
            (
                "087",
                "Huyện Sa Pa",
                "rural",
                [("02839", "Xã Tả Van", "rural"), ("02845", "Xã Bản Hồ", "rural")],
            ),
        ],
    ),
    (
        "38",
        "H56",
        "Tỉnh Thanh Hóa",
        [
            (
                "380",
                "Thành phố Thanh Hóa",
                "urban",
                [("14755", "Phường Điện Biên", "urban"), ("14758", "Phường Lam Sơn", "urban")],
            ),
            (
                "384",
                "Huyện Mường Lát",
                "rural",
                [("14845", "Xã Trung Lý", "rural"), ("14848", "Xã Tam Chung", "rural")],
            ),
        ],
    ),
    (
        "79",
        "H58",
        "Thành phố Hồ Chí Minh",
        [
            (
                "760",
                "Quận 1",
                "urban",
                [("26734", "Phường Tân Định", "urban"), ("26737", "Phường Đa Kao", "urban")],
            ),
            (
                "787",
                "Huyện Cần Giờ",
                "rural",
                [("27664", "Xã An Thới Đông", "rural"), ("27667", "Xã Long Hòa", "rural")],
            ),
        ],
    ),
]
BEFORE_2025 = date(2008, 8, 1)
REFORM_2025 = date(2025, 7, 1)


def load(out) -> None:
    User = get_user_model()
    admin = User.objects.create_superuser(
        username="admin",
        password=DEMO_PASSWORD,
        email="admin@example.invalid",
        full_name="Quản trị hệ thống [mẫu]",
        is_synthetic=True,
    )
    start = date(2008, 1, 1)

    def unit(code, name, type, parent=None, short="", area=None, valid_from=start, record=False, decision=""):
        return services.agency_create(
            actor=admin,
            code=code,
            name=name,
            short_name=short,
            type=type,
            parent=parent,
            area=area,
            valid_from=valid_from,
            record_change=record,
            decision=decision,
        )

    molisa = unit(MOLISA_CODE, "Bộ Lao động - Thương binh và Xã hội", T.MINISTRY, short="Bộ LĐTBXH")
    units = {}
    for suffix, name, short, type_ in MOLISA_UNITS:
        units[suffix] = unit(f"000.00.{suffix}.G12", name, type_, molisa, short)
    for suffix, names in {**DISSOLVED_2018, **KEPT_DIVISIONS}.items():
        for i, name in enumerate(names, start=1):
            unit(f"000.{i:02d}.{suffix}.G12", name, T.DIVISION, units[suffix], valid_from=date(2013, 1, 1))
    for code, name in OTHER_MINISTRIES:
        unit(f"000.00.00.{code}", name, T.MINISTRY)

    # The 2018 reorganisation (synthetic decisions, real unit names).
    services.agency_merge(
        actor=admin,
        agency=units["18"],
        into=units["01"],
        effective_on=date(2018, 7, 1),
        decision="QĐ 1010/QĐ-LĐTBXH ngày 20/6/2018 [mẫu]",
    )
    for suffix in DISSOLVED_2018:
        for division in units[suffix].children.all():
            services.agency_dissolve(
                actor=admin,
                agency=division,
                effective_on=date(2018, 10, 1),
                decision=f"QĐ 13{suffix}/QĐ-LĐTBXH ngày 15/9/2018 [mẫu]",
            )

    _areas_and_provinces(admin, unit)
    _people(admin, molisa, units)
    out.write(
        f"  {Agency.objects.count()} units, {AdministrativeArea.objects.count()} areas, "
        f"{User.objects.count()} accounts\n"
    )


def _areas_and_provinces(admin, unit) -> None:
    A = AdministrativeArea
    for p_code, h_code, p_name, districts in PROVINCES:
        province = A.objects.create(
            code=p_code,
            name=p_name,
            level=A.Level.PROVINCE,
            setting=A.Setting.URBAN if p_name.startswith("Thành phố") else A.Setting.RURAL,
            valid_from=BEFORE_2025,
        )
        p_agency = unit(f"000.00.00.{h_code}", f"Ủy ban nhân dân {p_name}", T.PROVINCE, area=province)
        for d_code, d_name, d_setting, communes in districts:
            # Districts ended with the 2025 reform: communes now sit directly under the province.
            district = A.objects.create(
                code=d_code,
                name=d_name,
                level=A.Level.DISTRICT,
                setting=d_setting,
                parent=province,
                valid_from=BEFORE_2025,
                valid_to=date(2025, 6, 30),
            )
            for c_code, c_name, c_setting in communes:
                A.objects.create(
                    code=c_code,
                    name=c_name,
                    level=A.Level.COMMUNE,
                    setting=c_setting,
                    parent=district,
                    valid_from=BEFORE_2025,
                    valid_to=date(2025, 6, 30),
                )
                new = A.objects.create(
                    code=c_code,
                    name=c_name,
                    level=A.Level.COMMUNE,
                    setting=c_setting,
                    parent=province,
                    valid_from=REFORM_2025,
                )
                unit(
                    f"{c_code[-3:]}.{d_code[-2:]}.00.{h_code}",
                    f"Ủy ban nhân dân {c_name}",
                    T.COMMUNE,
                    p_agency,
                    area=new,
                )
        unit(
            f"000.00.20.{h_code}",
            f"Sở Lao động - Thương binh và Xã hội {p_name.split(' ', 1)[1]}",
            T.PROVINCIAL_DEPARTMENT,
            p_agency,
            "Sở LĐTBXH",
        )


def _people(admin, molisa, units) -> None:
    commune = Agency.objects.filter(type=T.COMMUNE, name__contains="Y Tý").first()
    moha = Agency.objects.get(code="000.00.00.G04")
    people = [
        (
            "reform.officer",
            "Nguyễn Thị Cải Cách [mẫu]",
            units["01"],
            "Chuyên viên CCHC",
            [(Role.REFORM_OFFICER, molisa, True)],
        ),
        (
            "vieclam.reform",
            "Phạm Văn Việc Làm [mẫu]",
            units["12"],
            "Chuyên viên",
            [(Role.REFORM_OFFICER, units["12"], True)],
        ),
        (
            "atld.reform",
            "Hoàng Thị An Toàn [mẫu]",
            units["11"],
            "Chuyên viên",
            [(Role.REFORM_OFFICER, units["11"], True)],
        ),
        (
            "appraiser",
            "Trần Văn Thẩm Định [mẫu]",
            moha,
            "Chuyên viên Vụ CCHC, Bộ Nội vụ",
            [(Role.APPRAISER, moha, False)],
        ),
        (
            "clerk",
            "Lê Thị Một Cửa [mẫu]",
            units["12"],
            "Cán bộ một cửa",
            [(Role.ONESTOP_CLERK, units["12"], True)],
        ),
        (
            "officer",
            "Vũ Văn Xử Lý [mẫu]",
            units["12"],
            "Chuyên viên",
            [(Role.PROCESSING_OFFICER, units["12"], True)],
        ),
        (
            "leader",
            "Đỗ Văn Lãnh Đạo [mẫu]",
            units["12"],
            "Cục trưởng",
            [(Role.UNIT_LEADER, units["12"], True)],
        ),
        (
            "atld.leader",
            "Bùi Thị Cục Trưởng [mẫu]",
            units["11"],
            "Cục trưởng",
            [(Role.UNIT_LEADER, units["11"], True)],
        ),
        (
            "minister.office",
            "Ngô Văn Văn Phòng [mẫu]",
            units["01"],
            "Chánh Văn phòng",
            [(Role.UNIT_LEADER, molisa, True)],
        ),
        (
            "poverty",
            "Giàng A Giảm Nghèo [mẫu]",
            commune,
            "Công chức LĐTBXH xã",
            [(Role.POVERTY_OFFICER, commune, False)],
        ),
        ("viewer", "Đinh Thị Theo Dõi [mẫu]", units["01"], "Chuyên viên", [(Role.VIEWER, molisa, True)]),
    ]
    for username, name, unit_, position, roles in people:
        user = services.staff_create(
            actor=admin,
            username=username,
            full_name=name,
            unit=unit_,
            position=position,
            email=f"{username}@example.invalid",
            password=DEMO_PASSWORD,
            is_synthetic=True,
        )
        for role, agency, subtree in roles:
            services.role_assign(actor=admin, user=user, role=role, agency=agency, include_subtree=subtree)
    User = get_user_model()
    User.objects.create_user(
        username="citizen",
        password=DEMO_PASSWORD,
        kind=User.Kind.CITIZEN,
        full_name="Nguyễn Văn Công Dân [mẫu]",
        email="citizen@example.invalid",
        identity_number="001099000001",
        phone="0900000001",
        is_synthetic=True,
    )
    User.objects.create_user(
        username="business",
        password=DEMO_PASSWORD,
        kind=User.Kind.BUSINESS,
        full_name="Lê Thị Đại Diện [mẫu]",
        organisation_name="Công ty TNHH Mẫu Việt [mẫu]",
        tax_code="0100000001",
        email="business@example.invalid",
        is_synthetic=True,
    )
