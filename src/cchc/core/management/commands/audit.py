import sys

from django.core.management.base import BaseCommand
from django.db import connection

from cchc.core import audit_guard
from cchc.core.audit import audit_checkpoint_write, audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `cchc audit verify` checks the keyed hash chain, the signed checkpoints and "
        "the database's append-only triggers, and exits 1 at the first problem; `cchc audit checkpoint` "
        "signs the chain head into a file outside the database (run it periodically)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the hash chain of the audit log and its checkpoints")
        checkpoint = sub.add_parser("checkpoint", help="write a signed checkpoint of the chain head")
        for p in (verify, checkpoint):
            p.add_argument(
                "--dir", dest="directory", help="checkpoint folder (default CCHC_AUDIT_CHECKPOINT_DIR)"
            )

    def handle(self, *args, action, directory=None, **options):
        if action == "checkpoint":
            path = audit_checkpoint_write(directory)
            self.stdout.write(self.style.SUCCESS(f"checkpoint written: {path}"))
            return
        checked, broken = audit_verify(directory)
        missing = audit_guard.missing(connection)
        if broken is None and not missing:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {checked} events verified"))
            return
        if broken is not None:
            self.stderr.write(
                self.style.ERROR(
                    f"audit log BROKEN at event #{broken.event_id}: {broken.reason} "
                    f"({checked} events verified before it)"
                )
            )
        if missing:
            self.stderr.write(
                self.style.ERROR(
                    f"the database's append-only triggers are missing ({', '.join(missing)}): "
                    "someone lifted the guard, or a migration rebuilt the table"
                )
            )
        sys.exit(1)
