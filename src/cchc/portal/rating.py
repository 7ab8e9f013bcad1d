"""The citizen evaluation criteria, as effective-dated data.

NĐ 61/2018/NĐ-CP Điều 31 lists what citizens and businesses evaluate (a–i). Each criterion is scored
on the 2 / 1 / 0 scale that TT 01/2018/TT-VPCP Điều 13 uses for its indices. NĐ 118/2025 replaced
61/2018 from 01/7/2025; whether it keeps the same list is not confirmed, so the set stays in force
until a newer version is added here. A rating keeps the code of the version it was given under.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    choices: tuple  # ((score, label), …) best first


@dataclass(frozen=True)
class CriteriaVersion:
    code: str
    valid_from: date
    legal_basis: str
    confirmed: bool  # False: the list for this period is carried over, not yet checked in the legal text
    criteria: tuple[Criterion, ...]
    note: str = ""


def _scale(good, fair, poor):
    return ((2, good), (1, fair), (0, poor))


ND61_2018_D31 = (
    Criterion(
        "a_time",
        _("Time taken compared with the prescribed time"),
        _scale(
            _("Earlier than the appointment"), _("On the appointment date"), _("Later than the appointment")
        ),
    ),
    Criterion(
        "b_bodies",
        _("Number of bodies you had to contact"),
        _scale(_("None (everything online)"), _("Only the one-stop unit"), _("More than one body")),
    ),
    Criterion(
        "c_contacts",
        _("Number of times you were asked to complete the dossier"),
        _scale(_("Never"), _("Once"), _("More than once")),
    ),
    Criterion(
        "d_information",
        _("Accuracy of the published procedure information"),
        _scale(_("Complete and accurate"), _("Partly accurate"), _("Inaccurate or missing")),
    ),
    Criterion(
        "e_attitude",
        _("Attitude and conduct of the officers"),
        _scale(_("Helpful and courteous"), _("Acceptable"), _("Unhelpful or improper")),
    ),
    Criterion(
        "f_costs",
        _("Legality of the requirements and the costs you paid"),
        _scale(
            _("Only what the law prescribes"),
            _("Some unclear requirements or costs"),
            _("Requirements or costs not prescribed by law"),
        ),
    ),
    Criterion(
        "g_feedback",
        _("Handling of your feedback or complaints"),
        _scale(_("Not needed, or handled on time"), _("Handled late"), _("Not handled")),
    ),
    Criterion(
        "h_online",
        _("Progress and quality of the online public service"),
        _scale(_("Good"), _("Acceptable"), _("Poor")),
    ),
)

VERSIONS = (
    CriteriaVersion(
        code="nd61-2018-d31",
        valid_from=date(2018, 6, 21),
        legal_basis="NĐ 61/2018/NĐ-CP Điều 31; TT 01/2018/TT-VPCP Điều 13 (thang 2/1/0)",
        confirmed=True,
        criteria=ND61_2018_D31,
        note="Tiêu chí i (“khác”) là ý kiến tự do. Từ 01/7/2025 áp dụng NĐ 118/2025; danh mục tiêu chí "
        "của nghị định này chưa được xác nhận nên danh mục trên được dùng tiếp cho đến khi xác nhận.",
    ),
)


def criteria_in_force(on: date) -> CriteriaVersion:
    applicable = [v for v in VERSIONS if v.valid_from <= on]
    if not applicable:
        raise LookupError(f"no citizen evaluation criteria in force on {on}")
    return max(applicable, key=lambda v: v.valid_from)


def criteria_version(code: str) -> CriteriaVersion:
    for v in VERSIONS:
        if v.code == code:
            return v
    raise LookupError(f"unknown criteria version {code!r}")
