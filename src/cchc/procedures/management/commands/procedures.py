import sys
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cchc.core.exceptions import ImportRejected
from cchc.core.jobs import Progress

from ... import transfer
from ...models import Procedure


def _format(path: str, given: str | None) -> str:
    fmt = given or Path(path).suffix.lstrip(".").lower()
    if fmt not in ("json", "xlsx"):
        raise CommandError("format must be json or xlsx (give --format or a .json/.xlsx file name)")
    return fmt


class Command(BaseCommand):
    help = (
        "The procedure catalogue. `cchc procedures import FILE --as USER` (all or nothing, row report on error); "
        "`cchc procedures export FILE [--history | --on YYYY-MM-DD]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import procedures from .xlsx or .json")
        imp.add_argument("file")
        imp.add_argument("--format", choices=["json", "xlsx"])
        imp.add_argument(
            "--as", dest="username", default="admin", help="the account the import is recorded under"
        )
        exp = sub.add_parser("export", help="export the catalogue to .xlsx or .json")
        exp.add_argument("file")
        exp.add_argument("--format", choices=["json", "xlsx"])
        when = exp.add_mutually_exclusive_group()
        when.add_argument("--history", action="store_true", help="every version, not only those in force")
        when.add_argument(
            "--on", type=date.fromisoformat, help="versions in force on this day (default today)"
        )

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _import(self, file, format, username, **_):
        try:
            actor = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no account {username!r}") from None
        content = Path(file).read_bytes()
        with tqdm(unit="rows", disable=not sys.stderr.isatty()) as bar:
            try:
                result = transfer.catalog_import_file(
                    actor=actor, content=content, fmt=_format(file, format), progress=Progress(bar=bar)
                )
            except ImportRejected as exc:
                self.stderr.write(str(exc))
                sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                "imported: {procedures_created} new procedures, {procedures_updated} updated, "
                "{versions_added} versions, {components} dossier components".format(**result)
            )
        )

    def _export(self, file, format, history, on, **_):
        fmt = _format(file, format)
        records = transfer.export_records(
            Procedure.objects.all(), on=None if history else (on or date.today())
        )
        content = transfer.export_json(records) if fmt == "json" else transfer.export_xlsx(records)
        Path(file).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{len(records)} procedure versions written to {file}"))
