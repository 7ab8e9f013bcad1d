"""Database triggers that make the audit log append-only below the ORM.

The model and its queryset already refuse update and delete; these triggers refuse them to anyone
who talks SQL to the database (a console, a script, another application), on SQLite and PostgreSQL:
no UPDATE or DELETE of an audit event, no DELETE of the chain head (its UPDATE is how the chain
advances), and on PostgreSQL no TRUNCATE either. Someone who may drop triggers can still lift the
guard: the keyed hash and the checkpoints outside the database (core.audit) catch what they then
change. See docs/architecture.md, "Audit log: threat model".

Legitimate removals lift the guard inside their own transaction: `cchc flush` (the tests and
`cchc demo --reset` empty the database with it) uses `guard_lifted`. A restore replaces whole
tables (SQLite's backup API, pg_restore's DROP and COPY) and never deletes rows.

A future migration that alters these tables on SQLite rebuilds the table, which drops its
triggers: such a migration must call `install` again (`cchc audit verify` reports a missing guard).
"""

from contextlib import contextmanager

from django.db import connections, transaction

MESSAGE = "the audit log is append-only"

_SQLITE_TRIGGERS = {
    "core_auditevent_no_update": ("UPDATE", "core_auditevent"),
    "core_auditevent_no_delete": ("DELETE", "core_auditevent"),
    "core_auditchainhead_no_delete": ("DELETE", "core_auditchainhead"),
}

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION cchc_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_PG_TRIGGERS = {
    "core_auditevent_append_only": ("UPDATE OR DELETE", "core_auditevent", "ROW"),
    "core_auditevent_no_truncate": ("TRUNCATE", "core_auditevent", "STATEMENT"),
    "core_auditchainhead_no_delete": ("DELETE", "core_auditchainhead", "ROW"),
    "core_auditchainhead_no_truncate": ("TRUNCATE", "core_auditchainhead", "STATEMENT"),
}


def _statements_install(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            for name, (op, table) in _SQLITE_TRIGGERS.items()
        ]
    if vendor == "postgresql":
        statements = [_PG_FUNCTION]
        for name, (op, table, level) in _PG_TRIGGERS.items():
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} BEFORE {op} ON {table} "
                f"FOR EACH {level} EXECUTE FUNCTION cchc_audit_append_only()"
            )
        return statements
    return []  # another database: the ORM's refusal and the keyed hash still hold


def _statements_remove(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, (_op, table, _l) in _PG_TRIGGERS.items()
        ]
    return []


def _execute(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection) -> None:
    """Create the triggers (idempotent)."""
    _execute(connection, _statements_install(connection.vendor))


def remove(connection) -> None:
    _execute(connection, _statements_remove(connection.vendor))


def missing(connection) -> list[str]:
    """Names of the guard's triggers absent from the database (empty: the guard is in place)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = _SQLITE_TRIGGERS
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = _PG_TRIGGERS
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return sorted(set(expected) - present)


@contextmanager
def guard_lifted(using: str = "default"):
    """Run a legitimate bulk removal (flush) with the triggers dropped, in one transaction: other
    connections never see the log unguarded, and the guard comes back even if the removal fails
    (the DROP rolls back)."""
    connection = connections[using]
    with transaction.atomic(using=using):
        was_installed = not missing(connection)
        remove(connection)
        yield
        if was_installed:
            install(connection)
