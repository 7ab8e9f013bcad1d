"""Demo PAR index: the shipped methodology templates, the ministries' 2018 index (published)
and an open 2026 index of MOLISA's units. Every score is SYNTHETIC (seeded random), marked as such;
published 2017/2018 results are deliberately not reproduced.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cchc.org.models import Agency, AgencyType

from . import methodology, selectors, services
from .models import Item, Stage

SYNTHETIC = "[mẫu]"
GROUPS_MINISTRIES = [
    {"label": "Nhóm 1 (trên 80%)", "min": "80"},
    {"label": "Nhóm 2 (70–80%)", "min": "70"},
    {"label": "Dưới 70%", "min": "0"},
]
GROUPS_UNITS = [
    {"label": "Xuất sắc (≥ 90%)", "min": "90"},
    {"label": "Tốt (80–< 90%)", "min": "80"},
    {"label": "Khá (70–< 80%)", "min": "70"},
    {"label": "Trung bình (< 70%)", "min": "0"},
]
NOT_ASSESSED = {"000.00.00.G01", "000.00.00.G02"}  # Bộ Quốc phòng, Bộ Công an: outside the index
NOT_RANKED = {"000.00.00.G19"}  # Ủy ban Dân tộc: assessed, not in the common ranking (2018)


def _aware(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 17, 0))


def _q(value: Decimal) -> Decimal:
    return (value * 4).quantize(Decimal(1)) / 4  # quarter points, as appraisers write them


def load(out) -> None:
    User = get_user_model()
    admin = User.objects.get(username="admin")
    rng = random.Random(2018)
    for path in methodology.template_files():
        services.methodology_import(
            actor=admin, filename=path.name, data=path.read_bytes(), allow_unavailable_metrics=True
        )
    moha = Agency.objects.get(code="000.00.00.G04")
    bo_2948 = methodology.Methodology.objects.get(code="BNV-2948-BO")
    # One published ministries' cycle keeps the demo load fast; `cchc parindex` can add more.
    for year in (2018,):
        cycle = services.cycle_create(
            actor=admin,
            code=f"BO-{year}",
            name=f"Chỉ số CCHC năm {year} của các bộ, cơ quan ngang bộ {SYNTHETIC}",
            year=year,
            methodology=bo_2948,
            owner=moha,
            groups=GROUPS_MINISTRIES,
            is_synthetic=True,
        )
        for agency in Agency.objects.filter(type=AgencyType.MINISTRY, valid_to__isnull=True).order_by("code"):
            if agency.code not in NOT_ASSESSED:
                services.subject_add(
                    actor=admin, cycle=cycle, agency=agency, ranked=agency.code not in NOT_RANKED
                )
        if year == 2018:
            appraiser = User.objects.filter(username="appraiser").first()
            if appraiser:
                services.appraiser_assign(actor=admin, cycle=cycle, user=appraiser)
        _score(admin, cycle, rng, submitted_share=1.0)
        # Timeline of the synthetic cycle (the real 2018 timetable is not confirmed).
        services.cycle_set_timeline(
            actor=admin,
            cycle=cycle,
            self_deadline=_aware(year + 1, 1, 31),
            appraisal1_deadline=_aware(year + 1, 3, 15),
            explanation_deadline=_aware(year + 1, 3, 31),
            appraisal2_deadline=_aware(year + 1, 4, 15),
            survey_deadline=_aware(year + 1, 4, 30),
        )
        services.cycle_publish(actor=admin, cycle=cycle)

    molisa = Agency.objects.get(code="000.00.00.G12")
    units = services.cycle_create(
        actor=admin,
        code="DV-2026-G12",
        name=f"Chỉ số CCHC năm 2026 các đơn vị thuộc Bộ LĐTBXH {SYNTHETIC}",
        year=2026,
        methodology=methodology.Methodology.objects.get(code="BO-NOIBO-KHOI"),
        owner=molisa,
        groups=GROUPS_UNITS,
        is_synthetic=True,
    )
    services.subjects_add_all(actor=admin, cycle=units)
    # Cục Việc làm (000.00.12.G12) is left in progress so its reform officer can try the workflow.
    _score(admin, units, rng, submitted_share=1.0, skip={"000.00.12.G12"})
    now = timezone.now()
    services.cycle_set_timeline(
        actor=admin,
        cycle=units,
        self_deadline=now + timedelta(days=14),
        appraisal1_deadline=now + timedelta(days=30),
        explanation_deadline=now + timedelta(days=40),
        appraisal2_deadline=now + timedelta(days=50),
        survey_deadline=now + timedelta(days=55),
    )
    services.cycle_compute(actor=admin, cycle=units)
    out.write(
        f"  PAR index: {methodology.Methodology.objects.count()} methodologies, cycles BO-2018 "
        f"(published) and DV-2026-G12 (open), synthetic scores\n"
    )


def _score(admin, cycle, rng, *, submitted_share: float, skip=frozenset()) -> None:
    """Synthetic self-assessment with link evidence, round-1 appraisal of some items, survey points."""
    for subject in cycle.subjects.select_related("agency", "cycle__methodology"):
        if subject.agency.code in skip:
            continue
        strength = Decimal(str(rng.uniform(0.62, 0.97)))
        leaves = selectors.applicable_leaves(subject)
        for item in leaves:
            if item.assessment == Item.Assessment.SURVEY:
                continue
            share = min(Decimal(1), strength + Decimal(str(rng.uniform(-0.1, 0.12))))
            kwargs = {"points": _q(item.max_points * share)}
            if item.rule == Item.Rule.BANDS:
                kwargs = {"value": Decimal(str(round(rng.uniform(70, 100), 1)))}
            elif item.rule == Item.Rule.YES_NO:
                kwargs = {"value": 1 if rng.random() < float(strength) + 0.1 else 0}
            services.entry_record(
                actor=admin,
                subject=subject,
                item_code=item.code,
                stage=Stage.SELF,
                comment=f"Tự chấm {SYNTHETIC}",
                **kwargs,
            )
            if item.evidence_required:
                services.evidence_add(
                    actor=admin,
                    subject=subject,
                    item_code=item.code,
                    title=f"Báo cáo kết quả CCHC năm {cycle.year} {SYNTHETIC}",
                    link="/reform/",
                )
        if rng.random() > submitted_share:
            continue
        services.self_submit(actor=admin, subject=subject)
        for item in leaves:
            if item.assessment != Item.Assessment.SURVEY and rng.random() < 0.35:
                current = subject.entries.get(item=item, stage=Stage.SELF).points
                services.entry_record(
                    actor=admin,
                    subject=subject,
                    item_code=item.code,
                    stage=Stage.APPRAISAL1,
                    points=max(Decimal(0), current - _q(item.max_points * Decimal("0.15"))),
                    comment=f"Tài liệu kiểm chứng chưa đầy đủ {SYNTHETIC}",
                )
        for item in leaves:
            if item.assessment == Item.Assessment.SURVEY:
                share = min(Decimal(1), strength + Decimal(str(rng.uniform(-0.08, 0.08))))
                services.survey_points_record(
                    actor=admin,
                    cycle=cycle,
                    subject=subject.agency,
                    item_code=item.code,
                    points=(item.max_points * share).quantize(Decimal("0.01")),
                    source="demo",
                    note=SYNTHETIC,
                )
