"""Django's `flush`, with the audit log's append-only triggers lifted for its duration.

Emptying the whole database (the tests between transactional tests, `cchc demo --reset`) is the one
legitimate removal of audit rows; the triggers come back in the same transaction."""

from django.core.management.commands import flush

from cchc.core.audit_guard import guard_lifted


class Command(flush.Command):
    def handle(self, **options):
        with guard_lifted(options["database"]):
            super().handle(**options)
