import sys

from django.core.management.base import BaseCommand

from cchc.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `cchc audit verify` checks the hash chain; exits 1 at the first broken event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain of the audit log")

    def handle(self, *args, action, **options):
        checked, broken = audit_verify()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} events verified"))
            return
        self.stderr.write(
            self.style.ERROR(
                f"audit log BROKEN at event #{broken.event_id}: {broken.reason} ({checked} events verified before it)"
            )
        )
        sys.exit(1)
