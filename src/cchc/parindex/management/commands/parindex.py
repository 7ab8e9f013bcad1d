"""`cchc parindex …`: methodologies, cycles, score imports, computation and rankings from the shell."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from cchc.core.exceptions import ImportRejected, InvalidTransition
from cchc.core.exports import csv_write
from cchc.core.jobs import Progress
from cchc.org.models import Agency

from ... import imports, methodology, reports, selectors, services
from ...models import Cycle, Entry, Methodology


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
        p = sub.add_parser("cycle", help="a cycle's subjects: list, add, add-all, remove, set block/ranking")
        p.add_argument("--cycle", required=True)
        csub = p.add_subparsers(dest="cycle_action", required=True)
        csub.add_parser("subjects", help="list the subjects (code, name, block, ranked, scored)")
        q = csub.add_parser("add", help="add units (by agency code) as subjects")
        q.add_argument("agencies", nargs="+", metavar="AGENCY_CODE")
        q.add_argument("--block", default="", help="block (khối) code, when the methodology has blocks")
        q.add_argument("--not-ranked", action="store_true", help="scored but outside the common ranking")
        csub.add_parser("add-all", help="add every eligible unit (ministries, provinces or units below)")
        q = csub.add_parser("remove", help="remove subjects that have no scores yet")
        q.add_argument("agencies", nargs="+", metavar="AGENCY_CODE")
        q = csub.add_parser("set", help="set the block and/or the ranking of subjects")
        q.add_argument("agencies", nargs="+", metavar="AGENCY_CODE")
        q.add_argument("--block", help="block (khối) code; empty string for none")
        q.add_argument("--ranked", choices=["yes", "no"], help="in the common ranking")
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

    def do_cycle(self, cycle, cycle_action, **o):
        c = self._cycle(cycle)
        if cycle_action == "subjects":
            scored = set(Entry.objects.filter(subject__cycle=c).values_list("subject_id", flat=True))
            csv_write(
                self.stdout,
                ["agency_code", "name", "block", "ranked", "scored"],
                (
                    [
                        s.agency.code,
                        s.agency.name,
                        s.block,
                        "yes" if s.ranked else "no",
                        "yes" if s.pk in scored else "",
                    ]
                    for s in c.subjects.select_related("agency").order_by("agency__code")
                ),
            )
            return
        if cycle_action == "add-all":
            added = services.subjects_add_all(actor=self.actor, cycle=c)
            self.stdout.write(self.style.SUCCESS(f"added {len(added)} subjects to {c.code}"))
            return
        # every code is checked before anything changes: all or nothing
        with transaction.atomic():
            for code in o["agencies"]:
                if cycle_action == "add":
                    agency = Agency.objects.filter(code=code).first()
                    if agency is None:
                        raise CommandError(f"no agency {code!r}")
                    services.subject_add(
                        actor=self.actor, cycle=c, agency=agency, block=o["block"], ranked=not o["not_ranked"]
                    )
                    continue
                subject = c.subjects.select_related("agency", "cycle").filter(agency__code=code).first()
                if subject is None:
                    raise CommandError(f"{code!r} is not a subject of {c.code}")
                if cycle_action == "remove":
                    services.subject_remove(actor=self.actor, subject=subject)
                else:
                    ranked = None if o["ranked"] is None else o["ranked"] == "yes"
                    services.subject_update(
                        actor=self.actor, subject=subject, block=o["block"], ranked=ranked
                    )
        verb = {"add": "added", "remove": "removed", "set": "updated"}[cycle_action]
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(o['agencies'])} subjects of {c.code}"))

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
