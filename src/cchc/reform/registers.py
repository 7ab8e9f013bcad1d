"""The six reform registers, described once: model, fields an officer edits, list columns.

Views, forms, the API and the services read this table, so adding a column to a register is one
change here and a migration.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import (
    BusinessCondition,
    InspectionItem,
    LegalDocument,
    SimplificationPlan,
    SocioEconomicTarget,
    WorkProgrammeTask,
)


@dataclass(frozen=True)
class Register:
    key: str
    model: type
    label: str
    fields: tuple[str, ...]  # editable fields besides `agency`
    columns: tuple[str, ...]  # list columns
    year_field: str | None = None  # filter by year on this field (a year number or a date)


REGISTERS = {
    r.key: r
    for r in [
        Register(
            "documents",
            LegalDocument,
            _("Legal documents"),
            ("kind", "number", "title", "status", "submitted_on", "issued_on", "effective_from", "note"),
            ("kind", "number", "title", "status", "issued_on"),
            "issued_on",
        ),
        Register(
            "plans",
            SimplificationPlan,
            _("Simplification plans"),
            (
                "procedure",
                "year",
                "action",
                "changes",
                "components_removed",
                "time_before",
                "time_after",
                "cost_before",
                "cost_after",
                "status",
                "approved_by",
                "approved_on",
                "enacted_by",
            ),
            ("procedure", "year", "action", "status", "enacted_by"),
            "year",
        ),
        Register(
            "conditions",
            BusinessCondition,
            _("Business conditions"),
            ("sector", "text", "legal_basis", "status", "changed_by"),
            ("sector", "text", "status", "changed_by"),
        ),
        Register(
            "inspection",
            InspectionItem,
            _("Specialised-inspection items"),
            ("name", "hs_code", "legal_basis", "status", "changed_by"),
            ("name", "hs_code", "status", "changed_by"),
        ),
        Register(
            "tasks",
            WorkProgrammeTask,
            _("Government work programme"),
            ("year", "title", "deadline", "submitted_on", "document", "note"),
            ("year", "title", "deadline", "submitted_on"),
            "year",
        ),
        Register(
            "targets",
            SocioEconomicTarget,
            _("Socio-economic targets"),
            ("year", "name", "assigned_by", "resolution", "unit", "comparison", "target", "actual", "source"),
            ("year", "name", "comparison", "target", "actual"),
            "year",
        ),
    ]
}
