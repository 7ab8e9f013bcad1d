"""Demo reform registers for MOLISA, 2018.

The rows are SYNTHETIC ([mẫu]): document numbers, condition texts, inspection items, tasks and
target values are illustrative, not the official records. They are built so that the 2018 report,
computed from them, reproduces the figures MOLISA reported for 2018: 06 decrees and 03 circulars
cut 66 of 107 business conditions (61,68%); 116 procedures abolished or simplified; 19 of 32
specialised-inspection items cut (59,38%); 100% of the Government work-programme projects
submitted; the three National Assembly targets met. Restructuring comes from the org demo.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from cchc.org.models import Agency
from cchc.procedures.models import Procedure

from .models import BusinessCondition, InspectionItem, LegalDocument, SimplificationPlan
from .services import register_row_create

MOLISA = "000.00.00.G12"
YEAR = 2018
DECREES = 6
CIRCULARS = 3
CONDITIONS_TOTAL, CONDITIONS_ABOLISHED, CONDITIONS_SIMPLIFIED = 107, 40, 26  # 66 cut
INSPECTION_TOTAL, INSPECTION_CUT = 32, 19

# (unit suffix, business line) – real regulated lines of MOLISA; the conditions are synthetic.
SECTORS = [
    ("12", "Kinh doanh dịch vụ việc làm"),
    ("12", "Kinh doanh dịch vụ cho thuê lại lao động"),
    ("10", "Kinh doanh dịch vụ đưa người lao động đi làm việc ở nước ngoài theo hợp đồng"),
    ("11", "Kinh doanh dịch vụ kiểm định kỹ thuật an toàn lao động"),
    ("11", "Kinh doanh dịch vụ huấn luyện an toàn, vệ sinh lao động"),
    ("09", "Hoạt động giáo dục nghề nghiệp"),
    ("16", "Kinh doanh dịch vụ cai nghiện ma túy tự nguyện"),
    ("14", "Kinh doanh dịch vụ trợ giúp xã hội"),
]
PRODUCTS = [
    "Nồi hơi",
    "Bình chịu áp lực",
    "Hệ thống lạnh",
    "Cần trục",
    "Cầu trục",
    "Tời điện",
    "Xe nâng hàng",
    "Thang máy",
    "Thang cuốn",
    "Sàn nâng người",
    "Mũ an toàn công nghiệp",
    "Găng tay cách điện",
    "Ủng cách điện",
    "Dây đai an toàn",
    "Khẩu trang lọc bụi",
    "Mặt nạ phòng độc",
    "Kính hàn",
    "Quần áo chống nhiệt",
    "Giày bảo hộ",
    "Bán mặt nạ lọc khí",
    "Palăng điện",
    "Vận thăng",
    "Chai chứa khí",
    "Đường ống dẫn hơi",
    "Máy vận thăng nâng hàng",
    "Xe nâng người",
    "Pa lăng xích kéo tay",
    "Tời tay",
    "Cổng trục",
    "Bồn chứa khí dầu mỏ hóa lỏng",
    "Hệ thống điều chế khí",
    "Nồi đun nước nóng",
]
TASKS = [
    "Đề án sửa đổi Bộ luật Lao động",
    "Nghị định quy định chi tiết Luật Giáo dục nghề nghiệp",
    "Đề án cải cách chính sách bảo hiểm xã hội",
    "Đề án cải cách chính sách tiền lương",
    "Nghị định về điều kiện kinh doanh dịch vụ việc làm",
    "Nghị định về cho thuê lại lao động",
    "Chương trình mục tiêu Giáo dục nghề nghiệp - Việc làm và An toàn lao động",
    "Đề án đổi mới hệ thống giáo dục nghề nghiệp",
    "Nghị định về chính sách trợ giúp xã hội",
    "Quyết định phê duyệt Chương trình hành động quốc gia vì trẻ em",
    "Đề án hỗ trợ người lao động mất việc",
    "Báo cáo tổng kết thực hiện Luật Người có công",
]
TARGETS = [  # (indicator, comparison, target, actual) – values illustrative, not the official statistics
    ("Tỷ lệ thất nghiệp ở khu vực thành thị", "at_most", Decimal("4.00"), Decimal("3.10")),
    ("Tỷ lệ lao động qua đào tạo", "at_least", Decimal("58.00"), Decimal("60.00")),
    ("Mức giảm tỷ lệ hộ nghèo (điểm phần trăm)", "at_least", Decimal("1.00"), Decimal("1.35")),
]


def load(out) -> None:
    admin = get_user_model().objects.get(username="admin")
    units = {a.code[7:9]: a for a in Agency.objects.filter(code__endswith=".G12", code__startswith="000.00.")}
    molisa = units.pop("00")
    legal = units["05"]

    def add(register, agency, **fields):
        return register_row_create(actor=admin, register=register, agency=agency, **fields)

    decrees = [
        add(
            "documents",
            legal,
            kind=LegalDocument.Kind.DECREE,
            number=f"{100 + i}/2018/NĐ-CP [mẫu]",
            title=f"Nghị định sửa đổi, bổ sung điều kiện đầu tư kinh doanh thuộc lĩnh vực {SECTORS[i][1].lower()} [mẫu]",
            status=LegalDocument.Status.ISSUED,
            submitted_on=date(2018, 3, 1) + timedelta(days=20 * i),
            issued_on=date(2018, 6, 1) + timedelta(days=15 * i),
            effective_from=date(2018, 8, 1) + timedelta(days=15 * i),
        )
        for i in range(DECREES)
    ]
    circulars = [
        add(
            "documents",
            legal,
            kind=LegalDocument.Kind.CIRCULAR,
            number=f"{20 + i}/2018/TT-BLĐTBXH [mẫu]",
            title=f"Thông tư sửa đổi danh mục và điều kiện thuộc phạm vi quản lý của Bộ, số {i + 1} [mẫu]",
            status=LegalDocument.Status.ISSUED,
            issued_on=date(2018, 9, 1) + timedelta(days=10 * i),
            effective_from=date(2018, 11, 1),
        )
        for i in range(CIRCULARS)
    ]
    cutting = decrees + circulars

    for i in range(CONDITIONS_TOTAL):
        suffix, sector = SECTORS[i % len(SECTORS)]
        if i < CONDITIONS_ABOLISHED:
            status, doc = BusinessCondition.Status.ABOLISHED, cutting[i % len(cutting)]
        elif i < CONDITIONS_ABOLISHED + CONDITIONS_SIMPLIFIED:
            status, doc = BusinessCondition.Status.SIMPLIFIED, cutting[i % len(cutting)]
        else:
            status, doc = BusinessCondition.Status.KEPT, None
        add(
            "conditions",
            units[suffix],
            sector=sector,
            text=f"Điều kiện số {i + 1} về {sector.lower()} [mẫu]",
            legal_basis="Nghị định quy định điều kiện kinh doanh (bản trước 2018) [mẫu]",
            status=status,
            changed_by=doc,
        )

    for i, name in enumerate(PRODUCTS[:INSPECTION_TOTAL]):
        cut = i < INSPECTION_CUT
        add(
            "inspection",
            units["11"],
            name=name,
            legal_basis="Danh mục sản phẩm, hàng hóa nhóm 2 [mẫu]",
            status=InspectionItem.Status.CUT if cut else InspectionItem.Status.KEPT,
            changed_by=circulars[i % CIRCULARS] if cut else None,
        )

    # One plan per demo procedure: the abolished and re-versioned ones were enacted by the decrees.
    simplified = set(
        Procedure.objects.filter(versions__number=2, versions__effective_from__year=YEAR).values_list(
            "pk", flat=True
        )
    )
    for i, procedure in enumerate(Procedure.objects.select_related("agency").order_by("code")):
        if procedure.status == Procedure.Status.ABOLISHED and procedure.abolished_on.year == YEAR:
            action = SimplificationPlan.Action.ABOLISH
        elif procedure.pk in simplified:
            action = SimplificationPlan.Action.SIMPLIFY
        else:
            action = SimplificationPlan.Action.KEEP
        enacted = action != SimplificationPlan.Action.KEEP
        add(
            "plans",
            procedure.agency,
            procedure=procedure,
            year=YEAR,
            action=action,
            changes="Bãi bỏ thủ tục"
            if action == "abolish"
            else "Bỏ giấy xác nhận của UBND cấp xã; rút ngắn thời hạn"
            if enacted
            else "",
            components_removed=1 if action == "simplify" else 0,
            status=SimplificationPlan.Status.ENACTED if enacted else SimplificationPlan.Status.APPROVED,
            approved_by="QĐ 1000/QĐ-TTg [mẫu]",
            approved_on=date(2018, 3, 15),
            enacted_by=decrees[i % DECREES] if enacted else None,
        )

    for i, title in enumerate(TASKS):
        deadline = date(2018, 3 + i % 10, 28)
        add(
            "tasks",
            units[["12", "09", "08", "03", "12", "12", "09", "09", "14", "15", "12", "13"][i]],
            year=YEAR,
            title=f"{title} [mẫu]",
            deadline=deadline,
            submitted_on=deadline - timedelta(days=5),
        )

    for name, comparison, target, actual in TARGETS:
        add(
            "targets",
            molisa,
            year=YEAR,
            name=name,
            assigned_by="national_assembly",
            resolution="Nghị quyết của Quốc hội về Kế hoạch phát triển kinh tế - xã hội năm 2018",
            unit="%",
            comparison=comparison,
            target=target,
            actual=actual,
            source="[mẫu] số liệu minh họa, chưa đối chiếu với báo cáo chính thức",
        )
    out.write(
        f"reform: registers for {YEAR} ({CONDITIONS_TOTAL} business conditions, {INSPECTION_TOTAL} inspection "
        f"items, {len(TASKS)} work-programme tasks, {len(TARGETS)} targets; synthetic)\n"
    )
