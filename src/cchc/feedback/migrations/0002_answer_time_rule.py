"""The time limit for answering feedback, as effective-dated data (models.FeedbackRule).

The number is NOT in the project's legal reference (shared/reference/one-stop-and-procedures.md): it is
a working assumption, marked unconfirmed in the row's note, to be checked against the official text
(the decree on receiving and handling feedback on administrative regulations and its amendments) and
corrected by adding a new row effective from the right date.
"""

from datetime import date

from django.db import migrations

RULES = [
    dict(code="PAKN-2018", name="Thời hạn trả lời phản ánh, kiến nghị (giả định, chưa xác nhận)",
         effective_from=date(2018, 6, 21),
         legal_basis="Chưa xác định: văn bản quy định về tiếp nhận, xử lý phản ánh, kiến nghị về quy định hành chính",
         answer_working_days=10,
         note="CHƯA XÁC NHẬN: 10 ngày làm việc kể từ ngày tiếp nhận là số giả định, không có trong tài liệu tham chiếu. "
              "Phải đối chiếu nguyên văn văn bản quy định trước khi dùng để đánh giá chỉ số 8 (TT 01/2018 Điều 13)."),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("feedback", "FeedbackRule")
    for row in RULES:
        Rule.objects.update_or_create(code=row["code"], defaults=row)


def backwards(apps, schema_editor):
    apps.get_model("feedback", "FeedbackRule").objects.filter(code__in=[r["code"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
