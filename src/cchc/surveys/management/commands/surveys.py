"""`cchc surveys <subcommand>`: questionnaires, responses and scores from the command line."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cchc.core.exceptions import ImportRejected
from cchc.core.jobs import Progress
from cchc.org.models import Agency


class Command(BaseCommand):
    help = "Surveys: import-xlsform, export-xlsform, import-responses, score."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", default="admin", help="acting user (default: admin)")
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("import-xlsform", help="import a questionnaire from an XLSForm .xlsx")
        p.add_argument("file")
        p.add_argument("--agency", help="owning unit code (default: the acting user's unit)")
        p.add_argument(
            "--draft", action="store_true", help="import as an editable draft instead of published"
        )
        p = sub.add_parser("export-xlsform", help="write a questionnaire as XLSForm")
        p.add_argument("questionnaire", type=int, help="questionnaire id")
        p.add_argument("file")
        p = sub.add_parser(
            "import-responses", help="import responses (CSV/XLSX) into a survey, all-or-nothing"
        )
        p.add_argument("survey", type=int, help="survey id")
        p.add_argument("file")
        p = sub.add_parser("score", help="compute survey points and write them to the PAR cycle")
        p.add_argument("survey", type=int, help="survey id")

    def handle(self, *args, action, username, **options):
        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}")
        try:
            getattr(self, action.replace("-", "_"))(actor, **options)
        except ImportRejected as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)

    def import_xlsform(self, actor, *, file, agency=None, draft=False, **_):
        from cchc.surveys import services

        unit = Agency.objects.filter(code=agency).first() if agency else getattr(actor, "unit", None)
        if unit is None:
            unit = Agency.objects.filter(parent__isnull=True).order_by("id").first()
        if unit is None:
            raise CommandError("no owning unit: pass --agency CODE")
        path = Path(file)
        q, form = services.questionnaire_import_xlsform(
            actor=actor, agency=unit, data=path.read_bytes(), file_name=path.name, publish=not draft
        )
        counts = {}
        for question in form.questions:
            counts[question.kind] = counts.get(question.kind, 0) + 1
        self.stdout.write(
            self.style.SUCCESS(
                f"questionnaire #{q.pk} {q.code} v{q.version} ({q.get_status_display()}) “{q.title}” for {unit}"
            )
        )
        self.stdout.write(
            f"  {len(form.questions)} rows: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        )
        lists = sorted({c.list_name for c in form.choices})
        self.stdout.write(f"  {len(form.choices)} choices in {len(lists)} lists: {', '.join(lists)}")
        for question in form.questions:
            if question.kind in ("begin_group", "end_group"):
                continue
            flags = [
                f
                for f, on in (
                    ("required", question.required),
                    ("or other", question.or_other),
                    (f"relevant: {question.relevant}", question.relevant),
                    (f"filter: {question.choice_filter}", question.choice_filter),
                    (f"PAR item {question.par_item}", question.par_item),
                )
                if on
            ]
            self.stdout.write(
                f"  - {question.name} [{question.kind}] {next(iter(question.labels.values()), '')}"
                + (f" ({'; '.join(flags)})" if flags else "")
            )
        for warning in form.warnings:
            self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
        if form.ignored_sheets:
            self.stdout.write(f"  sheets not used: {', '.join(form.ignored_sheets)}")

    def export_xlsform(self, actor, *, questionnaire, file, **_):
        from cchc.surveys import xlsform
        from cchc.surveys.models import Questionnaire

        q = Questionnaire.objects.get(pk=questionnaire)
        Path(file).write_bytes(xlsform.export(q))
        self.stdout.write(self.style.SUCCESS(f"wrote {file}"))

    def import_responses(self, actor, *, survey, file, **_):
        from cchc.surveys import services
        from cchc.surveys.models import Survey

        path = Path(file)
        with tqdm(unit="rows", file=sys.stderr) as bar:
            batch = services.responses_import(
                actor=actor,
                survey=Survey.objects.get(pk=survey),
                data=path.read_bytes(),
                file_name=path.name,
                progress=Progress(bar=bar),
            )
        self.stdout.write(self.style.SUCCESS(f"imported {batch.rows} responses (batch #{batch.pk})"))

    def score(self, actor, *, survey, **_):
        from cchc.surveys import scoring
        from cchc.surveys.models import Survey

        run = scoring.scores_write(actor=actor, survey=Survey.objects.get(pk=survey))
        written = run.parameters.get("written", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"computation #{run.pk}: {run.response_count} responses, {written} points written"
            )
        )
        for key, reason in run.parameters.get("refused", {}).items():
            self.stdout.write(self.style.WARNING(f"  not written {key}: {reason}"))
