"""Shared helpers for the survey tests: a PAR-style XLSForm built in memory, a survey with a drawn sample."""

import io

import pytest
from openpyxl import Workbook

from cchc.org.models import Role
from cchc.surveys import services


def xlsform_bytes(
    survey_rows, choice_rows, settings_rows=None, *, sheet_names=("survey", "choices", "settings")
):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in zip(sheet_names, (survey_rows, choice_rows, settings_rows), strict=False):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


LIKERT = [
    ["likert5", str(v), vi, en]
    for v, vi, en in (
        (1, "Rất không hài lòng", "Very dissatisfied"),
        (2, "Không hài lòng", "Dissatisfied"),
        (3, "Bình thường", "Neutral"),
        (4, "Hài lòng", "Satisfied"),
        (5, "Rất hài lòng", "Very satisfied"),
    )
]

PAR_FORM_SURVEY = [
    [
        "type",
        "name",
        "label::Tiếng Việt (vi)",
        "label::English (en)",
        "required",
        "relevant",
        "appearance",
        "par_item",
        "sipas_aspect",
    ],
    ["note", "intro", "Phiếu khảo sát", "Questionnaire", "", "", "", "", ""],
    ["begin_group", "g1", "Đánh giá", "Assessment", "", "", "", "", ""],
    [
        "select_one likert5",
        "q_direction",
        "Chỉ đạo điều hành CCHC",
        "Direction of reform",
        "yes",
        "",
        "likert",
        "1.2",
        "access",
    ],
    [
        "select_one abcd",
        "q_procedures",
        "Công khai TTHC",
        "Publication of procedures",
        "yes",
        "",
        "",
        "3.2",
        "procedures",
    ],
    [
        "select_one likert5",
        "q_officials",
        "Thái độ công chức",
        "Officials' attitude",
        "",
        "",
        "likert",
        "",
        "officials",
    ],
    ["end_group", "", "", "", "", "", "", "", ""],
    ["select_one yes_no", "complained", "Đã phản ánh?", "Did you complain?", "", "", "", "", ""],
    [
        "select_one likert5",
        "q_feedback",
        "Giải quyết phản ánh",
        "Handling of complaints",
        "",
        "${complained} = 'yes'",
        "likert",
        "",
        "feedback",
    ],
    ["integer", "age", "Tuổi", "Age", "", "", "", "", ""],
    ["text", "comment", "Góp ý", "Comments", "", "", "", "", ""],
]
PAR_FORM_CHOICES = (
    [["list_name", "name", "label::Tiếng Việt (vi)", "label::English (en)", "score"]]
    + [r + [""] for r in LIKERT]
    + [
        ["abcd", "a", "Rất tốt", "Very good", 100],
        ["abcd", "b", "Tốt", "Good", 60],
        ["abcd", "c", "Trung bình", "Average", 20],
        ["abcd", "d", "Kém", "Poor", 0],
        ["yes_no", "yes", "Có", "Yes", ""],
        ["yes_no", "no", "Không", "No", ""],
    ]
)
PAR_FORM_SETTINGS = [
    ["form_title::Tiếng Việt (vi)", "form_title::English (en)", "form_id"],
    ["Khảo sát CCHC", "PAR survey", "par_survey"],
]


@pytest.fixture
def par_form():
    return xlsform_bytes(PAR_FORM_SURVEY, PAR_FORM_CHOICES, PAR_FORM_SETTINGS)


@pytest.fixture
def officer(ministry, make_staff):
    return make_staff("officer1", ministry["ministry"], [(Role.REFORM_OFFICER, ministry["ministry"], True)])


@pytest.fixture
def questionnaire(officer, ministry, par_form):
    q, _form = services.questionnaire_import_xlsform(
        actor=officer, agency=ministry["ministry"], data=par_form, file_name="par.xlsx"
    )
    return q


def frame_csv(rows):
    lines = ["respondent_id,group,subject,full_name,contact,service"]
    lines += [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def survey(officer, ministry, questionnaire):
    """Two groups (leaders weight 2, staff weight 1), two assessed units, 6 per stratum in the frame, quota 3."""
    s = services.survey_create(
        actor=officer,
        questionnaire=questionnaire,
        agency=ministry["ministry"],
        name="Khảo sát 2018",
        par_cycle_code="",
    )
    services.group_save(actor=officer, survey=s, code="leaders", name="Lãnh đạo vụ/cục", weight=2)
    services.group_save(actor=officer, survey=s, code="staff", name="Công chức", weight=1)
    rows, n = [], 0
    for group in ("leaders", "staff"):
        for unit in ("a", "b"):
            services.quota_set(actor=officer, group=s.groups.get(code=group), subject=ministry[unit], size=3)
            for _i in range(6):
                n += 1
                rows.append(
                    (f"P{n:03d}", group, ministry[unit].code, f"Người {n}", f"p{n}@example.invalid", "")
                )
    services.frame_import(actor=officer, survey=s, data=frame_csv(rows), file_name="frame.csv")
    return s


@pytest.fixture
def par_setup(superuser, ministry):
    """A 1149-style PAR cycle over two ministries, and a survey feeding it (3 per stratum sampled from 5)."""
    from datetime import date

    from cchc.org import services as org
    from cchc.org.models import AgencyType
    from cchc.parindex import methodology
    from cchc.parindex import services as par

    def mk(code, name):
        return org.agency_create(
            actor=superuser,
            code=code,
            name=name,
            type=AgencyType.MINISTRY,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )

    moha, other = mk("000.00.00.G04", "Bộ Nội vụ"), mk("000.00.00.G98", "Bộ Thứ hai")
    path = methodology.TEMPLATE_DIR / "bnv-1149-bo.yaml"
    m = par.methodology_import(
        actor=superuser, filename=path.name, data=path.read_bytes(), allow_unavailable_metrics=True
    )
    cycle = par.cycle_create(
        actor=superuser, code="BO-2020", name="Chỉ số CCHC 2020", year=2020, methodology=m, owner=moha
    )
    subjects = [ministry["ministry"], other]
    for agency in subjects:
        par.subject_add(actor=superuser, cycle=cycle, agency=agency)
    q, _form = services.questionnaire_import_xlsform(
        actor=superuser,
        agency=moha,
        data=xlsform_bytes(PAR_FORM_SURVEY, PAR_FORM_CHOICES, PAR_FORM_SETTINGS),
        file_name="par.xlsx",
    )
    s = services.survey_create(
        actor=superuser, questionnaire=q, agency=moha, name="ĐTXHH 2020", par_cycle_code="BO-2020"
    )
    services.group_save(actor=superuser, survey=s, code="leaders", name="Lãnh đạo vụ/cục", weight=2)
    services.group_save(actor=superuser, survey=s, code="locals", name="Sở, ngành địa phương", weight=1)
    rows, n = [], 0
    for group in ("leaders", "locals"):
        for agency in subjects:
            services.quota_set(actor=superuser, group=s.groups.get(code=group), subject=agency, size=3)
            for _i in range(5):
                n += 1
                rows.append((f"R{n:03d}", group, agency.code, f"Người {n}", "", ""))
    services.frame_import(actor=superuser, survey=s, data=frame_csv(rows), file_name="frame.csv")
    services.sample_draw(actor=superuser, survey=s, seed=2020)
    services.survey_set_status(actor=superuser, survey=s, status="open")
    return {"cycle": cycle, "survey": s, "subjects": subjects, "moha": moha}


def survey_points(cycle, agency) -> dict:
    """What the PAR cycle shows: survey-assessed leaf → final points for the subject."""
    from cchc.parindex import selectors

    subject = cycle.subjects.get(agency=agency)
    return {
        row.item.code: row.final
        for row in selectors.subject_sheet(subject, with_metrics=False)
        if row.is_leaf and row.item.assessment == "survey" and "survey" in row.stages
    }


def thousand_rows(subjects, *, direction=lambda i: 1 + i % 5):
    lines = ["group,subject,q_direction,q_procedures,complained"]
    for i in range(1000):
        lines.append(
            f"{'leaders' if i % 3 else 'locals'},{subjects[i % 2].code},{direction(i)},{'abcd'[i % 4]},no"
        )
    return ("\n".join(lines) + "\n").encode()
