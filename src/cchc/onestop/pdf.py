"""The prescribed one-stop forms of TT 01/2018/TT-VPCP (A5 slips, Mẫu 01–05) as PDF.

Layouts follow the content reproduced in the reference (§4); the header carries the agency and the
national title, the body the dossier's stored facts. Mẫu 01 has a QR code of the dossier code so the
applicant can follow the dossier on the portal.
"""

import io

from django.utils import timezone

from cchc.core.exports import pdf_fonts, pdf_styles, pdf_table_style
from cchc.core.formatting import format_number

from . import book
from .models import Channel, DossierPause, DossierStep


def _dt(value) -> str:
    if not value:
        return "…"
    v = timezone.localtime(value)
    return f"{v:%H} giờ {v:%M} phút, ngày {v:%d/%m/%Y}"


def _d(value) -> str:
    return f"ngày {timezone.localtime(value):%d/%m/%Y}" if value else "…"


def _qr(text: str):
    import segno
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=4, border=1)
    buf.seek(0)
    return Image(buf, width=24 * mm, height=24 * mm)


def _document(title: str, d, body) -> bytes:
    from reportlab.lib.pagesizes import A5
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = pdf_styles()
    regular, bold = pdf_fonts()
    small = styles["Normal"].clone("small", fontSize=8.5, leading=11)
    centre = styles["Normal"].clone("centre", fontSize=8.5, leading=11, alignment=1)
    centre_bold = centre.clone("cb", fontName=bold)
    heading = styles["Title"].clone("t", fontSize=11.5, leading=14, spaceAfter=4)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A5,
        title=f"{title} – {d.code}",
        leftMargin=28,
        rightMargin=28,
        topMargin=24,
        bottomMargin=24,
    )
    header = Table(
        [
            [
                Paragraph(f"{d.agency.name.upper()}<br/><b>BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ</b>", centre),
                Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc", centre_bold),
            ]
        ],
        colWidths=[170, 200],
    )
    story = [
        header,
        Spacer(1, 6),
        Paragraph(title, heading),
        Paragraph(f"Mã hồ sơ: <b>{d.code}</b>", centre),
        Spacer(1, 6),
    ]
    for item in body:
        story.append(Paragraph(item, small) if isinstance(item, str) else item)
    story += [
        Spacer(1, 14),
        Table(
            [
                [
                    Paragraph("<b>NGƯỜI NỘP HỒ SƠ</b><br/>(Ký và ghi rõ họ tên)", centre),
                    Paragraph("<b>NGƯỜI TIẾP NHẬN HỒ SƠ</b><br/>(Ký và ghi rõ họ tên)", centre),
                ]
            ],
            colWidths=[185, 185],
        ),
    ]
    doc.build(story)
    return buf.getvalue()


def _applicant(d) -> list[str]:
    return [
        f"Tiếp nhận hồ sơ của: <b>{d.applicant_name}</b>",
        f"Địa chỉ: {d.applicant_address or '…'}",
        f"Số điện thoại: {d.applicant_phone or '…'}   Email: {d.applicant_email or '…'}",
        f"Nội dung yêu cầu giải quyết: {d.procedure.name} (mã TTHC {d.procedure.code})",
    ]


def receipt(d) -> bytes:
    """Mẫu 01 – Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    if not d.received_at:
        raise ValueError("Hồ sơ chưa được tiếp nhận: chưa có giấy tiếp nhận và hẹn trả kết quả.")
    from reportlab.platypus import Table

    components = [
        f.component_code for f in d.files.filter(replaced=False, purpose__in=["submission", "supplement"])
    ]
    names = {c.code: c.name for c in d.procedure_version.components.all()}
    unit = {"working_days": "ngày làm việc", "days": "ngày", "hours": "giờ"}.get(d.processing_unit, "")
    body = _applicant(d) + [
        "1. Thành phần hồ sơ nộp gồm: "
        + (
            "; ".join(names.get(c, c) for c in components)
            if components
            else "theo danh mục thành phần hồ sơ của thủ tục (hồ sơ giấy)."
        ),
        "2. Số lượng hồ sơ: 01 bộ.",
        f"3. Thời gian giải quyết hồ sơ theo quy định là: {format_number(d.processing_days, 0)} {unit}.",
        f"4. Thời gian nhận hồ sơ: {_dt(d.received_at)}.",
        f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{_dt(d.due_at)}</b>.",
        f"6. Đăng ký nhận kết quả tại: {d.agency.name}"
        + (" hoặc trực tuyến trên Cổng dịch vụ công" if d.channel == Channel.ONLINE else "")
        + ".",
        f"Hình thức nộp: {Channel(d.channel).label}. Quy định áp dụng: {d.rule_set or '…'}; "
        f"phiên bản thủ tục {d.procedure_version.number}.",
        "Vào Sổ theo dõi hồ sơ, Quyển số {}, Số thứ tự {:02d}.".format(*book.entry_of(d)),
    ]
    qr = Table([[_qr(d.code), "Quét mã để tra cứu tình trạng hồ sơ"]], colWidths=[80, 250])
    qr.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), pdf_fonts()[0]),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    return _document("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", d, body + [qr])


def supplement(d) -> bytes:
    """Mẫu 02 – Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (the latest request)."""
    pause = d.pauses.filter(reason=DossierPause.Reason.SUPPLEMENT).order_by("-started_at").first()
    if pause is None:
        raise ValueError("Hồ sơ không có yêu cầu bổ sung.")
    body = _applicant(d) + [
        f"Ngày yêu cầu: {_dt(pause.started_at)}.",
        "Hồ sơ của Ông/Bà cần bổ sung, hoàn thiện những nội dung sau:",
    ]
    body += [
        f"{i}. {item.get('component') or '—'}: {item.get('reason')}" for i, item in enumerate(pause.items, 1)
    ]
    body += [
        pause.note,
        "Lý do: hồ sơ chưa đầy đủ, hợp lệ theo quy định. Mọi vướng mắc xin liên hệ Bộ phận tiếp nhận "
        "và trả kết quả. Thời hạn giải quyết được tính lại từ khi nhận đủ hồ sơ.",
    ]
    return _document("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", d, body)


def refusal(d) -> bytes:
    """Mẫu 03 – Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    if not d.refusal_reason:
        raise ValueError("Hồ sơ không có quyết định từ chối.")
    body = _applicant(d) + [
        "Cơ quan tiếp nhận từ chối tiếp nhận, giải quyết hồ sơ với lý do sau:",
        d.refusal_reason,
        "Xin thông báo để Ông/Bà được biết và thực hiện.",
    ]
    return _document("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", d, body)


def apology(d) -> bytes:
    """Mẫu 04 – Phiếu xin lỗi và hẹn lại ngày trả kết quả."""
    a = getattr(d, "apology", None)
    if a is None:
        raise ValueError("Hồ sơ chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả.")
    body = _applicant(d) + [
        f"Ngày hẹn trả kết quả: {_d(a.old_due_at)}.",
        f"Việc giải quyết hồ sơ chậm so với thời hạn quy định. Lý do: {a.reason}",
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Chúng tôi xin lỗi và hẹn trả kết quả vào "
        f"<b>{_dt(a.new_due_at)}</b>.",
        f"Phiếu lập {_dt(a.issued_at)}.",
    ]
    return _document("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", d, body)


def custody(d) -> bytes:
    """Mẫu 05 – Phiếu kiểm soát quá trình giải quyết hồ sơ (one row per hand-over)."""
    from reportlab.platypus import Paragraph, Table

    styles = pdf_styles()
    cell = styles["Normal"].clone("cell", fontSize=7.5, leading=9)
    verdicts = dict(DossierStep.Verdict.choices)
    rows = [
        [
            Paragraph(h, cell)
            for h in ("Tên cơ quan", "Thời gian giao, nhận hồ sơ", "Kết quả giải quyết", "Ghi chú")
        ]
    ]
    for s in d.steps.select_related("unit", "handed_over_by", "assignee"):
        rows.append(
            [
                Paragraph(s.unit.name, cell),
                Paragraph(
                    f"Giao: {_dt(s.handed_over_at)}<br/>Người giao: {s.handed_over_by or '…'}<br/>"
                    f"Người nhận: {s.assignee or '…'}<br/>Hạn: {_d(s.due_at)}",
                    cell,
                ),
                Paragraph(str(verdicts.get(s.verdict, "Đang xử lý")), cell),
                Paragraph(f"{s.get_kind_display()}. {s.task}", cell),
            ]
        )
    table = Table(rows, colWidths=[90, 130, 70, 80], repeatRows=1)
    table.setStyle(pdf_table_style())
    body = [
        f"Kèm theo hồ sơ của: <b>{d.applicant_name}</b>",
        f"Thời gian nhận hồ sơ: {_dt(d.received_at)}",
        f"Thời gian trả kết quả: {_dt(d.due_at)}",
        table,
    ]
    return _document("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", d, body)


FORMS = {"01": receipt, "02": supplement, "03": refusal, "04": apology, "05": custody}
