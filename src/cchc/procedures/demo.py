"""Demo catalogue: MOLISA's procedures as of 2016–2018, loaded through the importer.

Procedure names follow MOLISA's fields; codes (9.9xxxxx), processing times, fees, dossier
components and publication decisions are SYNTHETIC ([mẫu]) and must not be read as the official
catalogue. The 2018 simplification is recorded as history: 80 procedures get a second, simpler
version in 2018 and 36 are abolished in 2018 (the reform demo's simplification plans point at them).
"""

import io
from datetime import date, timedelta
from functools import cache

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cchc.core.files import safe_upload_name

from .models import DossierComponent
from .transfer import catalog_import

# (field, unit suffix under 000.00.NN.G12, legal basis, [names])
CATALOGUE = [
    (
        "Việc làm",
        "12",
        ("38/2013/QH13", "Luật Việc làm"),
        [
            "Cấp giấy phép hoạt động dịch vụ việc làm của doanh nghiệp hoạt động dịch vụ việc làm",
            "Cấp lại giấy phép hoạt động dịch vụ việc làm",
            "Gia hạn giấy phép hoạt động dịch vụ việc làm",
            "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
            "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
            "Giải quyết hưởng trợ cấp thất nghiệp",
            "Tạm dừng hưởng trợ cấp thất nghiệp",
            "Hỗ trợ học nghề cho người đang hưởng trợ cấp thất nghiệp",
            "Cấp giấy phép hoạt động cho thuê lại lao động",
            "Gia hạn giấy phép hoạt động cho thuê lại lao động",
            "Thu hồi giấy phép hoạt động cho thuê lại lao động",
        ],
    ),
    (
        "Lao động, tiền lương",
        "12",
        ("10/2012/QH13", "Bộ luật Lao động"),
        [
            "Đăng ký nội quy lao động",
            "Gửi thỏa ước lao động tập thể",
            "Thông báo tổ chức làm thêm giờ từ 200 đến 300 giờ",
            "Đăng ký kế hoạch đưa người lao động đi thực tập",
            "Báo cáo sử dụng lao động",
            "Thông báo thay đổi hình thức trả lương",
            "Đăng ký thang lương, bảng lương",
            "Gửi quy chế dân chủ ở cơ sở",
        ],
    ),
    (
        "Quản lý lao động ngoài nước",
        "10",
        ("72/2006/QH11", "Luật Người lao động Việt Nam đi làm việc ở nước ngoài theo hợp đồng"),
        [
            "Cấp giấy phép hoạt động dịch vụ đưa người lao động đi làm việc ở nước ngoài",
            "Đăng ký hợp đồng nhận lao động thực tập",
            "Đăng ký hợp đồng cá nhân đi làm việc ở nước ngoài",
            "Đăng ký hợp đồng cung ứng lao động",
            "Hỗ trợ rủi ro cho người lao động từ Quỹ Hỗ trợ việc làm ngoài nước",
            "Báo cáo tình hình đưa người lao động đi làm việc ở nước ngoài",
        ],
    ),
    (
        "An toàn, vệ sinh lao động",
        "11",
        ("84/2015/QH13", "Luật An toàn, vệ sinh lao động"),
        [
            "Cấp giấy chứng nhận đủ điều kiện hoạt động kiểm định kỹ thuật an toàn lao động",
            "Cấp lại giấy chứng nhận đủ điều kiện hoạt động kiểm định kỹ thuật an toàn lao động",
            "Cấp giấy chứng nhận đủ điều kiện hoạt động huấn luyện an toàn, vệ sinh lao động",
            "Khai báo sử dụng máy, thiết bị có yêu cầu nghiêm ngặt về an toàn lao động",
            "Đăng ký công bố hợp quy sản phẩm, hàng hóa nhóm 2",
            "Khai báo tai nạn lao động nghiêm trọng",
        ],
    ),
    (
        "Giáo dục nghề nghiệp",
        "09",
        ("74/2014/QH13", "Luật Giáo dục nghề nghiệp"),
        [
            "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp",
            "Thành lập trường cao đẳng",
            "Cho phép thành lập phân hiệu trường cao đẳng",
            "Công nhận hiệu trưởng trường cao đẳng tư thục",
            "Cấp giấy chứng nhận kiểm định chất lượng giáo dục nghề nghiệp",
            "Cấp giấy chứng nhận đăng ký hoạt động liên kết đào tạo với nước ngoài",
            "Sáp nhập, chia, tách trường trung cấp",
            "Giải thể trung tâm giáo dục nghề nghiệp",
        ],
    ),
    (
        "Người có công",
        "13",
        ("26/2005/PL-UBTVQH11", "Pháp lệnh Ưu đãi người có công với cách mạng"),
        [
            "Xác nhận liệt sĩ",
            "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
            "Cấp giấy chứng nhận thân nhân liệt sĩ",
            "Giải quyết chế độ người hoạt động kháng chiến bị nhiễm chất độc hóa học",
            "Di chuyển hồ sơ người có công với cách mạng",
            "Giải quyết chế độ ưu đãi đối với thương binh",
            "Cấp lại giấy chứng nhận người có công",
        ],
    ),
    (
        "Bảo trợ xã hội",
        "14",
        ("136/2013/NĐ-CP", "Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội"),
        [
            "Thành lập cơ sở trợ giúp xã hội công lập",
            "Cấp giấy phép hoạt động đối với cơ sở trợ giúp xã hội",
            "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở",
            "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng",
            "Hỗ trợ chi phí mai táng",
        ],
    ),
    (
        "Trẻ em",
        "15",
        ("102/2016/QH13", "Luật Trẻ em"),
        [
            "Áp dụng các biện pháp can thiệp khẩn cấp để bảo vệ trẻ em",
            "Chấm dứt việc chăm sóc thay thế cho trẻ em",
            "Đăng ký nhận chăm sóc thay thế cho trẻ em",
        ],
    ),
    (
        "Phòng, chống tệ nạn xã hội",
        "16",
        ("23/2000/QH10", "Luật Phòng, chống ma túy"),
        [
            "Cấp giấy phép thành lập cơ sở cai nghiện ma túy tự nguyện",
            "Cấp giấy phép hoạt động cai nghiện ma túy tự nguyện",
            "Gia hạn giấy phép hoạt động cai nghiện ma túy tự nguyện",
        ],
    ),
]
LEVELS = [
    ("central", ""),
    ("provincial", " (cấp tỉnh)"),
    ("district", " (cấp huyện)"),
    ("commune", " (cấp xã)"),
]
SIMPLIFIED_2018 = 80
ABOLISHED_2018 = 36
FIRST_VERSION = date(2016, 7, 1)
SIMPLIFIED_ON = date(2018, 10, 15)
ABOLISHED_ON = date(2018, 11, 1)
DECISION_2016 = "QĐ 960/QĐ-LĐTBXH ngày 20/6/2016 [mẫu]"
DECISION_2018 = "QĐ 1600/QĐ-LĐTBXH ngày 01/10/2018 [mẫu]"
ABOLISHING_DOC = "Nghị định 140/2018/NĐ-CP [mẫu: liên kết minh họa]"


def _procedures():
    """(code, name, field, unit suffix, level, legal basis) – deterministic."""
    rows, n = [], 0
    for field, suffix, law, names in CATALOGUE:
        for name in names:
            # Social protection, people with merit and children are also resolved by districts.
            levels = LEVELS if suffix in ("13", "14", "15") else LEVELS[:2]
            for level, tag in levels:
                n += 1
                rows.append((f"9.9{n:05d}", name + tag, field, suffix, level, law))
    return rows


@cache
def _application_form(number: int) -> bytes:
    """A Word application form (đơn đề nghị) as a procedure's annex prescribes one, for citizens to
    download from the procedure's page: the national heading, the addressee and the lines to fill in."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    for text, bold in [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
        ("Độc lập - Tự do - Hạnh phúc", True),
        (f"Mẫu số {number:02d} [mẫu]", False),
        ("ĐƠN ĐỀ NGHỊ", True),
    ]:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold
    doc.add_paragraph("Kính gửi: ........................................................")
    for label in [
        "Họ và tên (hoặc tên tổ chức)",
        "Số định danh cá nhân / mã số doanh nghiệp",
        "Địa chỉ",
        "Số điện thoại, thư điện tử",
        "Nội dung đề nghị",
    ]:
        doc.add_paragraph(f"{label}: ........................................................")
    doc.add_paragraph("Tôi xin cam đoan những nội dung trên là đúng sự thật.")
    closing = doc.add_paragraph(
        "..........., ngày ... tháng ... năm ......\nNGƯỜI LÀM ĐƠN\n(Ký, ghi rõ họ tên)"
    )
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _version(i: int, law, *, effective_from: date, simpler: bool = False) -> dict:
    days = [5, 7, 10, 15, 20, 30][i % 6]
    form_number = i % 9 + 1
    components = [
        {
            "code": "TP1",
            "name": "Đơn đề nghị (theo mẫu)",
            "required": True,
            "copies": 1,
            "form_name": f"Mẫu số {form_number:02d} [mẫu]",
        },
        {
            "code": "TP2",
            "name": "Bản sao giấy tờ chứng minh nhân thân hoặc pháp nhân",
            "required": True,
            "copies": 1,
        },
        {
            "code": "TP3",
            "name": "Bản sao có chứng thực các văn bằng, chứng chỉ liên quan",
            "required": i % 3 != 0,
            "copies": 1,
        },
    ]
    if not simpler:
        components.append(
            {"code": "TP4", "name": "Giấy xác nhận của Ủy ban nhân dân cấp xã", "required": True, "copies": 2}
        )
    online = "full" if i % 4 == 0 else "partial" if i % 4 in (1, 2) else "none"
    return {
        "effective_from": effective_from,
        "steps": [
            "Tổ chức, cá nhân nộp hồ sơ tại Bộ phận Một cửa hoặc trực tuyến",
            "Bộ phận Một cửa kiểm tra, tiếp nhận và chuyển hồ sơ",
            "Đơn vị chuyên môn thẩm định, trình ký",
            "Trả kết quả",
        ],
        "channels": ["in_person", "online", "postal"] if online != "none" else ["in_person", "postal"],
        "processing_time_value": max(3, days - (days // 3 if simpler else 0)),
        "processing_time_unit": "working_days",
        "fee": 0,
        "charge": [0, 0, 100000, 200000, 500000][i % 5] // (2 if simpler else 1),
        "fee_note": "Mức phí, lệ phí minh họa [mẫu]",
        "applicants": "Tổ chức, cá nhân" if i % 2 else "Doanh nghiệp",
        "result": "Quyết định hoặc giấy chứng nhận của cơ quan có thẩm quyền",
        "conditions": "" if i % 3 else "Đáp ứng các điều kiện theo quy định của pháp luật chuyên ngành",
        "online_level": online,
        "online_partial_reason": "Cần đối chiếu bản chính giấy tờ khi trả kết quả"
        if online == "partial"
        else "",
        "publication_decision": DECISION_2018 if simpler else DECISION_2016,
        "published_on": SIMPLIFIED_ON - timedelta(days=14) if simpler else date(2016, 6, 20),
        # every seventh procedure was never posted at the desks (TT 01/2018 index 6 then scores 1)
        "posted_at_desk_on": None
        if i % 7 == 3
        else (SIMPLIFIED_ON - timedelta(days=7) if simpler else date(2016, 7, 1)),
        "change_note": "Đơn giản hóa theo phương án năm 2018 [mẫu]" if simpler else "Công bố lần đầu [mẫu]",
        "legal_basis": [{"number": law[0], "title": law[1]}],
        "components": components,
    }


def _attach_application_forms() -> None:
    """The importer reads spreadsheets, which carry no files: store each application form once and
    point every version's TP1 at it (versions share a stored form, as a new version carries it over)."""
    stored = {}
    components = list(DossierComponent.objects.filter(code="TP1", version__procedure__code__startswith="9.9"))
    for c in components:
        number = int(c.form_name.split()[2])  # "Mẫu số 03 [mẫu]"
        if number not in stored:
            stored[number] = default_storage.save(
                safe_upload_name("procedures/forms", "docx"), ContentFile(_application_form(number))
            )
        c.form_template.name = stored[number]
    DossierComponent.objects.bulk_update(components, ["form_template"], batch_size=500)


def load(out) -> None:
    admin = get_user_model().objects.get(username="admin")
    records = []
    procedures = _procedures()
    for i, (code, name, field, suffix, level, law) in enumerate(procedures):
        # Spread the 2018 simplification over every field with a fixed permutation of the order.
        rank = i * 37 % len(procedures)
        identity = {
            "code": code,
            "name": name,
            "field": field,
            "level": level,
            "agency_code": f"000.00.{suffix}.G12",
        }
        first = {**identity, **_version(i, law, effective_from=FIRST_VERSION)}
        records.append(first)
        if rank < SIMPLIFIED_2018:
            records.append({**identity, **_version(i, law, effective_from=SIMPLIFIED_ON, simpler=True)})
        elif rank < SIMPLIFIED_2018 + ABOLISHED_2018:
            first.update(abolished_on=ABOLISHED_ON, abolished_by=ABOLISHING_DOC)
    for n, record in enumerate(records, start=1):
        record["_where"] = ("demo", n)
    result = catalog_import(actor=admin, records=records)
    _attach_application_forms()
    out.write(
        f"procedures: {result['procedures_created']} procedures, {result['versions_added']} versions "
        f"(synthetic codes 9.9xxxxx)\n"
    )
