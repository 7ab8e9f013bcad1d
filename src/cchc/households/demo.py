"""Demo: synthetic households of the Lào Cai communes, two approved review rounds (2024, 2025) so the
province dashboard shows change between years, a commune chairperson and a province viewer.
Every household and person here is synthetic ([mẫu])."""

from datetime import date

from django.contrib.auth import get_user_model

from cchc.org import services as org
from cchc.org.demo import DEMO_PASSWORD
from cchc.org.models import Agency, AgencyType, Role

from . import services
from .bulk import import_households
from .generate import generate, to_import_tables
from .models import Household

HOUSEHOLDS_PER_COMMUNE = 40
PROVINCE_CODE = "000.00.00.H37"  # Tỉnh Lào Cai


def load(out) -> None:
    User = get_user_model()
    admin = User.objects.get(username="admin")
    province = Agency.objects.get(code=PROVINCE_CODE)
    communes = list(
        Agency.objects.filter(parent=province, type=AgencyType.COMMUNE)
        .select_related("area")
        .order_by("code")
    )
    syn = generate(
        HOUSEHOLDS_PER_COMMUNE * len(communes),
        seed=37,
        reference=date(2024, 11, 1),
        communes=[(c.code, c.area.setting) for c in communes],
    )
    h, m = to_import_tables(syn)
    h["code"] = "LC-" + h["code"].str.removeprefix("SYN-")
    m["household_code"] = "LC-" + m["household_code"].str.removeprefix("SYN-")
    import_households(actor=admin, households=h, members=m, synthetic=True)
    for year in (2024, 2025):
        if year == 2025:  # a year of change: some households' incomes rise, a few fall
            for i, household in enumerate(Household.objects.filter(commune__in=communes).order_by("pk")[:60]):
                factor = 1.6 if i % 3 else 0.6
                services.household_update(
                    actor=admin,
                    household=household,
                    income_per_person=int(household.income_per_person * factor),
                )
        for commune in communes:
            rnd = services.round_open(actor=admin, commune=commune, year=year)
            services.round_classify(actor=admin, round=rnd)
            services.round_submit(actor=admin, round=rnd, board_note="Họp Ban chỉ đạo rà soát xã [mẫu]")
            services.round_approve(actor=admin, round=rnd, decision=f"QĐ {year}/QĐ-UBND [mẫu]")
    y_ty = Agency.objects.filter(type=AgencyType.COMMUNE, name__contains="Y Tý").first()
    for username, name, unit, role, subtree in [
        ("poverty.chair", "Sùng A Chủ Tịch [mẫu]", y_ty, Role.UNIT_LEADER, False),
        ("laocai.viewer", "Lý Thị Theo Dõi [mẫu]", province, Role.VIEWER, True),
    ]:
        user = org.staff_create(
            actor=admin,
            username=username,
            full_name=name,
            unit=unit,
            password=DEMO_PASSWORD,
            email=f"{username}@example.invalid",
            is_synthetic=True,
        )
        org.role_assign(actor=admin, user=user, role=role, agency=unit, include_subtree=subtree)
    out.write(
        f"  {len(h)} synthetic households, {len(m)} members in {len(communes)} communes of Lào Cai; "
        f"review rounds 2024 and 2025 approved\n"
    )
