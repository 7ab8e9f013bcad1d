"""Demo feedback: a few records filed by the demo citizen through the services and, for some, answered
by the administrator. Marked "[mẫu]"."""

from django.contrib.auth import get_user_model

from cchc.onestop.models import Dossier

from . import services
from .models import Kind, Verdict


def load(out) -> None:
    User = get_user_model()
    citizen = User.objects.filter(username="citizen").first()
    admin = User.objects.filter(username="admin").first()
    dossier = (
        Dossier.objects.filter(applicant=citizen, code__isnull=False)
        .select_related("procedure", "agency")
        .order_by("id")
        .first()
        if citizen
        else None
    )
    if citizen is None or admin is None or dossier is None:
        out.write("feedback: no demo citizen dossier; skipped\n")
        return
    about_procedure = services.feedback_file(
        actor=citizen,
        kind=Kind.PROCEDURE,
        procedure=dossier.procedure,
        subject="Đề nghị bỏ yêu cầu bản sao chứng thực [mẫu]",
        content="Giấy tờ đã có trong Cơ sở dữ liệu quốc gia về dân cư; đề nghị không yêu cầu nộp bản sao chứng thực. [mẫu]",
    )
    services.feedback_answer(
        actor=admin,
        feedback=about_procedure,
        reply="Cảm ơn ông/bà. Kiến nghị đã được đưa vào phương án đơn giản hóa năm nay. [mẫu]",
    )
    complaint = services.feedback_file(
        actor=citizen,
        kind=Kind.CONDUCT,
        dossier=dossier,
        officer_name="Cán bộ tiếp nhận [mẫu]",
        subject="Cán bộ yêu cầu nộp thêm giấy tờ ngoài quy định [mẫu]",
        content="Khi nộp hồ sơ tôi được yêu cầu nộp thêm giấy xác nhận không có trong thủ tục đã công bố. [mẫu]",
    )
    services.feedback_answer(
        actor=admin,
        feedback=complaint,
        verdict=Verdict.UPHELD,
        reply="Phản ánh đúng. Đơn vị đã nhắc nhở cán bộ và xin lỗi ông/bà. [mẫu]",
    )
    services.feedback_file(
        actor=citizen,
        kind=Kind.OTHER,
        dossier=dossier,
        subject="Đề nghị gửi thông báo qua tin nhắn [mẫu]",
        content="Tôi muốn nhận thông báo tình trạng hồ sơ qua tin nhắn điện thoại. [mẫu]",
    )
    out.write("feedback: 3 records by the demo citizen, 2 answered (one complaint upheld) [mẫu]\n")
