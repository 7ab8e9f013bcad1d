"""Building blocks for procedure tests: a complete, valid version dict."""

from datetime import date
from decimal import Decimal


def version_data(**overrides) -> dict:
    data = {
        "effective_from": date(2018, 1, 1),
        "steps": ["Nộp hồ sơ tại Bộ phận Một cửa", "Thẩm định hồ sơ", "Trả kết quả"],
        "channels": ["in_person", "online", "postal"],
        "processing_time_value": Decimal("15"),
        "processing_time_unit": "working_days",
        "fee": Decimal("0"),
        "charge": Decimal("100000"),
        "applicants": "Tổ chức, doanh nghiệp",
        "result": "Giấy phép",
        "conditions": "Có trụ sở ổn định",
        "online_level": "full",
        "publication_decision": "QĐ 100/QĐ-LĐTBXH ngày 01/12/2017",
        "published_on": date(2017, 12, 1),
        "legal_basis": [
            {
                "number": "61/2018/NĐ-CP",
                "title": "Nghị định về một cửa",
                "issued_on": date(2018, 4, 23),
                "effective_from": date(2018, 6, 21),
            }
        ],
        "components": [
            {
                "code": "TP1",
                "name": "Đơn đề nghị cấp giấy phép",
                "required": True,
                "copies": 1,
                "form_name": "Mẫu số 01",
            },
            {
                "code": "TP2",
                "name": "Bản sao giấy chứng nhận đăng ký doanh nghiệp",
                "required": True,
                "copies": 1,
            },
        ],
    }
    data.update(overrides)
    return data
