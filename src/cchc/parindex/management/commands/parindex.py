"""`cchc parindex …`: methodologies, cycles, score imports, computation and rankings from the shell."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.exports import csv_write
from cchc.core.jobs import Progress

from ... import imports, methodology, reports, selectors, services
from ...models import Cycle, Methodology


class Command(BaseCommand):
    help = "PAR index tools: methodologies, cycles, score imports, compute, publish, ranking."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="admin", help="acting user (default: admin)")
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("cycles", help="list cycles with their codes")
        sub.add_parser("methodologies", help="list methodology versions and their legal basis")
        sub.add_parser("templates", help="list the shipped methodology templates")
        p = sub.add_parser(
            "import-methodology", help="import a methodology from .yaml or .xlsx (all or nothing)"
        )
        p.add_argument("file")
        p.add_argument(
            "--allow-unavailable-metrics",
            action="store_true",
            help="accept metric names no module supplies yet (shown as unavailable)",
        )
        p = sub.add_parser("export-methodology", help="write a methodology as .yaml or .xlsx")
        p.add_argument("code")
        p.add_argument("file")
        p = sub.add_parser(
            "import-scores", help="import scores (self, appraisal1/2, explanation, survey) from .csv/.xlsx"
        )
        p.add_argument("--cycle", required=True)
        p.add_argument("file")
        p = sub.add_parser("compute", help="compute results of a cycle")
        p.add_argument("--cycle", required=True)
        p = sub.add_parser("publish", help="compute and publish a cycle")
        p.add_argument("--cycle", required=True)
        p = sub.add_parser("ranking", help="print the ranking")
        p.add_argument("--cycle", required=True)
        p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        p.add_argument("--by", default="index", help="index, points, appraised, survey or area:<code>")
        p.add_argument("--output", help="file to write (xlsx is written to stdout when omitted)")

    def handle(self, *args, action, user, **o):
        self.actor = get_user_model().objects.filter(username=user).first()
        if self.actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**o)
        except ImportRejected as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        except (ValidationError, InvalidTransition) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from None

    def _cycle(self, code) -> Cycle:
        try:
            return selectors.cycle_get(code)
        except Cycle.DoesNotExist:
            raise CommandError(f"no cycle {code!r}; see `cchc parindex cycles`") from None

    def do_cycles(self, **o):
        csv_write(
            self.stdout,
            ["code", "name", "year", "methodology", "status", "subjects", "synthetic"],
            (
                [
                    c.code,
                    c.name,
                    c.year,
                    c.methodology.code,
                    c.status,
                    c.subjects.count(),
                    "yes" if c.is_synthetic else "",
                ]
                for c in Cycle.objects.select_related("methodology").order_by("-year", "code")
            ),
        )

    def do_methodologies(self, **o):
        csv_write(
            self.stdout,
            ["code", "name", "level", "legal_basis", "effective_from", "status", "items"],
            (
                [m.code, m.name, m.level, m.legal_basis, m.effective_from, m.status, m.items.count()]
                for m in Methodology.objects.order_by("-effective_from")
            ),
        )

    def do_templates(self, **o):
        for path in methodology.template_files():
            self.stdout.write(str(path))

    def do_import_methodology(self, file, allow_unavailable_metrics, **o):
        path = Path(file)
        m = services.methodology_import(
            actor=self.actor,
            filename=path.name,
            data=path.read_bytes(),
            allow_unavailable_metrics=allow_unavailable_metrics,
        )
        self.stdout.write(
            self.style.SUCCESS(f"imported {m.code}: {m.items.count()} items ({m.get_status_display()})")
        )

    def do_export_methodology(self, code, file, **o):
        m = Methodology.objects.get(code=code)
        if file.endswith(".xlsx"):
            Path(file).write_bytes(methodology.export_xlsx(m))
        else:
            Path(file).write_text(methodology.export_yaml(m), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"wrote {file}"))

    def do_import_scores(self, cycle, file, **o):
        path = Path(file)
        with tqdm(unit="row", file=sys.stderr) as bar:
            result = imports.scores_import(
                actor=self.actor,
                cycle=self._cycle(cycle),
                filename=path.name,
                data=path.read_bytes(),
                progress=Progress(bar=bar),
            )
        self.stdout.write(self.style.SUCCESS(f"imported {result['rows']} rows: {result['by_stage']}"))

    def do_compute(self, cycle, **o):
        n = services.cycle_compute(actor=self.actor, cycle=self._cycle(cycle))
        self.stdout.write(self.style.SUCCESS(f"computed {n} subjects"))

    def do_publish(self, cycle, **o):
        c = services.cycle_publish(actor=self.actor, cycle=self._cycle(cycle))
        self.stdout.write(self.style.SUCCESS(f"published {c.code}"))

    def do_ranking(self, cycle, format, by, output, **o):
        c = self._cycle(cycle)
        header, rows = reports.ranking_table(c, component=by)
        if format == "xlsx":
            data = reports.ranking_xlsx(c, component=by)
            if output:
                Path(output).write_bytes(data)
            else:
                sys.stdout.buffer.write(data)
            return
        out = open(output, "w", newline="", encoding="utf-8") if output else self.stdout
        csv_write(out, header, rows)
        if output:
            out.close()
