"""Errors services raise; views and the API turn them into one response shape.

Permission failures use django.core.exceptions.PermissionDenied and invalid input uses
django.core.exceptions.ValidationError, so Django and DRF already map them to 403 and 400.
"""

from dataclasses import dataclass, field


class Conflict(Exception):
    """The record changed since the caller read it (optimistic locking), or a state clash."""

    code = "conflict"


class InvalidTransition(Exception):
    """An operation that the record's current state does not allow."""

    code = "invalid_state"


@dataclass(frozen=True)
class RowError:
    row: int | None
    field: str
    message: str
    sheet: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"column {self.field}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportRejected(Exception):
    """An import whose input had errors; nothing was written. `errors` names each row and field."""

    errors: list[RowError] = field(default_factory=list)

    code = "import_rejected"

    def __str__(self) -> str:
        shown = "\n".join(str(e) for e in self.errors[:50])
        more = f"\n… and {len(self.errors) - 50} more" if len(self.errors) > 50 else ""
        return f"{len(self.errors)} error(s); nothing was imported:\n{shown}{more}"


class JobFailed(Exception):
    """A background job could not do its work for a reason its user can act on; the message is
    shown on the job's page (any other exception shows a plain notice, its traceback is logged)."""

    code = "job_failed"
