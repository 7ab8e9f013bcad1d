"""Demo surveys (synthetic): a SIPAS satisfaction survey of two MOLISA units and a PAR-style
questionnaire. Answers are random but reproducible (seed 2018) and marked as synthetic."""

import numpy as np
from django.contrib.auth import get_user_model

from cchc.org.models import Agency

from . import services
from .models import Question, Questionnaire, Survey

K = Question.Kind
LIKERT = [
    (str(v), {"vi": vi, "en": en}, None)
    for v, vi, en in (
        (1, "Rất không hài lòng", "Very dissatisfied"),
        (2, "Không hài lòng", "Dissatisfied"),
        (3, "Bình thường", "Neither"),
        (4, "Hài lòng", "Satisfied"),
        (5, "Rất hài lòng", "Very satisfied"),
    )
]
ASPECT_QUESTIONS = [
    ("access", "Tiếp cận dịch vụ (địa điểm, thời gian, trang thiết bị)", "Access to the service"),
    ("procedures", "Thủ tục hành chính (công khai, hồ sơ, thời hạn, phí)", "The administrative procedure"),
    ("officials", "Công chức trực tiếp giải quyết công việc", "The civil servant handling the case"),
    ("results", "Kết quả dịch vụ (đúng hạn, đúng quy định)", "The result of the service"),
    ("feedback", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", "Handling of feedback and complaints"),
    ("overall", "Nhìn chung, Ông/Bà hài lòng với dịch vụ ở mức nào?", "Overall, how satisfied are you?"),
]
SERVICES = ["Giải quyết hưởng trợ cấp thất nghiệp", "Cấp giấy phép lao động cho người nước ngoài"]


OPEN_SURVEY = "SIPAS 2026 – khảo sát trực tuyến (dữ liệu mẫu)"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Thanh Sơn"]


def load(out):
    admin = get_user_model().objects.filter(username="admin").first()
    molisa = Agency.objects.filter(code="000.00.00.G12").first()
    if admin is None or molisa is None:
        return
    if not Survey.objects.filter(name__startswith="SIPAS 2018").exists():
        load_history(out, admin, molisa)
    if not Survey.objects.filter(name=OPEN_SURVEY).exists():
        load_open_survey(out, admin, molisa)


def load_open_survey(out, admin, molisa):
    """An open online survey out of the box: respondent groups, a synthetic frame, quotas per unit,
    a drawn sample — so the invitation codes and the respondent link work straight away."""
    q = Questionnaire.objects.filter(code="sipas_molisa", status=Questionnaire.Status.PUBLISHED).first()
    units = list(
        Agency.objects.filter(code__in=["000.00.12.G12", "000.00.01.G12", "000.00.10.G12"]).order_by("code")
    )
    if q is None or not units:
        return
    survey = services.survey_create(
        actor=admin,
        questionnaire=q,
        agency=molisa,
        kind=Survey.Kind.SIPAS,
        name=OPEN_SURVEY,
        is_synthetic=True,
    )
    groups = {
        "citizens": services.group_save(
            actor=admin, survey=survey, code="citizens", name="Người dân", weight=1
        ),
        "businesses": services.group_save(
            actor=admin, survey=survey, code="businesses", name="Doanh nghiệp", weight=1
        ),
    }
    rows = ["respondent_id,group,subject,full_name,service"]
    for u, unit in enumerate(units):
        for g, code in enumerate(groups):
            for n in range(8):
                name = f"{SURNAMES[(n + u) % 8]} {GIVEN[(n + g + u) % 8]}"
                rows.append(f"DEMO-{u + 1}{g + 1}{n + 1:02d},{code},{unit.code},{name},{SERVICES[n % 2]}")
    services.frame_import(
        actor=admin, survey=survey, data=("\n".join(rows) + "\n").encode(), file_name="demo.csv"
    )
    for unit in units:
        for group in groups.values():
            services.quota_set(actor=admin, group=group, subject=unit, size=5)
    invited = services.sample_draw(actor=admin, survey=survey, seed=2026)
    services.survey_set_status(actor=admin, survey=survey, status=Survey.Status.OPEN)
    first = survey.invitations.order_by("id").first()
    out.write(
        f"surveys: open survey “{survey.name}” with {invited} invitation codes; "
        f"a respondent link: /surveys/r/{services.invitation_token(first)}/ (synthetic)\n"
    )


def load_history(out, admin, molisa):
    units = list(
        Agency.objects.filter(code__in=["000.00.12.G12", "000.00.01.G12", "000.00.10.G12"]).order_by("code")
    )
    q = services.questionnaire_create(
        actor=admin,
        agency=molisa,
        code="sipas_molisa",
        titles={"vi": "Phiếu khảo sát sự hài lòng (SIPAS)", "en": "Satisfaction survey (SIPAS)"},
    )
    for i, (aspect, vi, en) in enumerate(ASPECT_QUESTIONS):
        # The first question creates the shared Likert list; the others reuse it.
        services.question_add(
            actor=admin,
            questionnaire=q,
            kind=K.LIKERT,
            name=f"sat_{aspect}",
            labels={"vi": vi, "en": en},
            required=True,
            aspect=aspect,
            list_name="likert5",
            choices=LIKERT if i == 0 else None,
        )
    services.question_add(
        actor=admin,
        questionnaire=q,
        kind=K.TEXT,
        name="suggestion",
        labels={"vi": "Góp ý để cải thiện dịch vụ", "en": "Suggestions"},
    )
    services.questionnaire_publish(actor=admin, questionnaire=q)
    survey = services.survey_create(
        actor=admin,
        questionnaire=q,
        agency=molisa,
        kind=Survey.Kind.SIPAS,
        name="SIPAS 2018 – Bộ LĐTBXH (dữ liệu mẫu)",
        is_synthetic=True,
    )
    services.group_save(actor=admin, survey=survey, code="citizens", name="Người dân", weight=1)
    services.group_save(actor=admin, survey=survey, code="businesses", name="Doanh nghiệp", weight=1)
    rng = np.random.default_rng(2018)
    lines = ["group,subject,service," + ",".join(f"sat_{a}" for a, _vi, _en in ASPECT_QUESTIONS)]
    for i, unit in enumerate(units):
        for _n in range(40 + 15 * i):
            mood = rng.choice([2, 3, 4, 4, 5, 5]) - (1 if i == 2 else 0)
            answers = np.clip(mood + rng.integers(-1, 2, size=len(ASPECT_QUESTIONS)), 1, 5)
            lines.append(
                f"{rng.choice(['citizens', 'businesses'], p=[0.8, 0.2])},{unit.code},{SERVICES[int(rng.integers(0, 2))]},"
                + ",".join(str(v) for v in answers)
            )
    services.responses_import(
        actor=admin, survey=survey, data=("\n".join(lines) + "\n").encode(), file_name="demo.csv"
    )
    out.write(
        f"surveys: questionnaire {q.code}, survey “{survey.name}” with {len(lines) - 1} synthetic responses\n"
    )
