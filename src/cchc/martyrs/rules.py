"""The shipped answer-time rule for families' requests (effective-dated data, models.RequestRule).

The number is NOT in the project's reference (shared/reference/martyrs.md): it is a working assumption,
marked unconfirmed in the row's note; correct it by adding a row effective from the right date.
"""

from datetime import date

RULES = [
    dict(
        code="LS-2018",
        name="Thời hạn trả lời yêu cầu thông tin liệt sĩ (giả định, chưa xác nhận)",
        effective_from=date(2018, 7, 27),
        answer_working_days=15,
        note="CHƯA XÁC NHẬN: 15 ngày làm việc là số giả định, không có trong tài liệu tham chiếu; "
        "đối chiếu quy chế vận hành Cổng thông tin về liệt sĩ trước khi dùng để đánh giá.",
    )
]


def load_shipped_rules() -> None:
    from .models import RequestRule

    for row in RULES:
        RequestRule.objects.get_or_create(code=row["code"], defaults=row)
