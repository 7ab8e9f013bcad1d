import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.exceptions import ImportRejected


class Command(BaseCommand):
    help = (
        "Public services portal. `cchc portal payments-expire` expires online payments the gateway did not "
        "answer in time (run it every few minutes); `cchc portal eform-load --procedure CODE FILE.json` sets the "
        "e-form fields of the procedure's version in force (format in docs/portal.md)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("payments-expire", help="expire pending payments past their deadline")
        load = sub.add_parser("eform-load", help="define the e-form fields of a procedure version from JSON")
        load.add_argument("file", help="JSON list of fields: code, label, kind, required, choices, help_text")
        load.add_argument("--procedure", required=True, help="procedure code, e.g. 1.001234")
        load.add_argument("--on", help="pick the version in force on this date (YYYY-MM-DD); default today")
        load.add_argument(
            "--actor", default="admin", help="username recorded in the audit log (default admin)"
        )

    def handle(self, *args, action, **options):
        if action == "payments-expire":
            from cchc.portal.services import payments_expire_stale

            count = payments_expire_stale()
            self.stdout.write(self.style.SUCCESS(f"{count} payment(s) expired"))
            return
        self._eform_load(options)

    def _eform_load(self, options):
        from datetime import date

        from cchc.portal.eforms import eform_define
        from cchc.procedures.selectors import procedure_get, procedure_version_in_force

        try:
            procedure = procedure_get(options["procedure"])
        except Exception:
            raise CommandError(f"no procedure with code {options['procedure']!r}") from None
        on = date.fromisoformat(options["on"]) if options.get("on") else timezone.localdate()
        version = procedure_version_in_force(procedure, on)
        if version is None:
            raise CommandError(f"{procedure.code} has no version in force on {on}")
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"no user {options['actor']!r}")
        try:
            with open(options["file"], encoding="utf-8") as fh:
                fields = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"cannot read {options['file']}: {exc}") from None
        if not isinstance(fields, list):
            raise CommandError("the file must hold a JSON list of fields")
        try:
            rows = eform_define(actor=actor, version=version, fields=fields)
        except ImportRejected as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} field(s) defined for {version}"))
