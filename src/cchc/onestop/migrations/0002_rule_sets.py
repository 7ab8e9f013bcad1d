"""The one-stop rule sets in force since 2018 (effective-dated legal data, see models.RuleSet)."""

from datetime import date

from django.db import migrations

RULE_SETS = [
    dict(code="ND61-2018", name="NĐ 61/2018/NĐ-CP và TT 01/2018/TT-VPCP", effective_from=date(2018, 6, 21),
         legal_basis="Nghị định 61/2018/NĐ-CP (23/4/2018, hiệu lực 21/6/2018), sửa đổi bởi NĐ 107/2021/NĐ-CP; "
                     "Thông tư 01/2018/TT-VPCP (hiệu lực 06/01/2019)",
         cutoff_hour=15, supplement_request_days=3, apology_days_before_due=1, reschedules_allowed=1,
         note="Mốc 15 giờ (Điều 18), bổ sung trong 3 ngày làm việc (Điều 19.4), xin lỗi chậm nhất 1 ngày trước hạn và "
              "chỉ hẹn lại một lần (Điều 19.9): đã xác nhận theo văn bản (Pháp điển)."),
    dict(code="ND118-2025", name="NĐ 118/2025/NĐ-CP và TT 03/2025/TT-VPCP", effective_from=date(2025, 7, 1),
         legal_basis="Nghị định 118/2025/NĐ-CP (09/6/2025, hiệu lực 01/7/2025), sửa đổi bởi NĐ 367/2025/NĐ-CP; "
                     "Thông tư 03/2025/TT-VPCP",
         cutoff_hour=15, supplement_request_days=3, apology_days_before_due=1, reschedules_allowed=1,
         note="CHƯA XÁC NHẬN: các con số (mốc 15 giờ, 3 ngày làm việc, xin lỗi 1 ngày trước hạn, hẹn lại một lần) "
              "giữ theo NĐ 61/2018 cho đến khi đối chiếu được nguyên văn NĐ 118/2025."),
]


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("onestop", "RuleSet")
    for row in RULE_SETS:
        RuleSet.objects.update_or_create(code=row["code"], defaults=row)


def backwards(apps, schema_editor):
    apps.get_model("onestop", "RuleSet").objects.filter(code__in=[r["code"] for r in RULE_SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("onestop", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
