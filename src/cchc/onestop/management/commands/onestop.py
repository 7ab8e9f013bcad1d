from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from cchc.onestop.models import OPEN_STATUSES, Dossier


class Command(BaseCommand):
    help = (
        "One-stop dossiers: `cchc onestop synthetic --count 10000` adds synthetic dossiers; "
        "`cchc onestop overdue` lists open dossiers past (or near) their appointment."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        syn = sub.add_parser("synthetic", help="add synthetic dossiers (marked [mẫu]) at the demo units")
        syn.add_argument("--count", type=int, required=True)
        syn.add_argument("--start", type=date.fromisoformat, default=date(2018, 7, 1))
        syn.add_argument("--end", type=date.fromisoformat, default=None)
        syn.add_argument("--seed", type=int, default=7)
        syn.add_argument(
            "--agency", action="append", help="agency code (repeatable); default: the demo units"
        )
        warn = sub.add_parser(
            "warn", help="record a warning on open dossiers due within --within days (once each)"
        )
        warn.add_argument("--within", type=int, default=2)
        over = sub.add_parser(
            "overdue", help="open dossiers past their appointment, or due within --within days"
        )
        over.add_argument("--within", type=int, default=0)

    def handle(self, *args, action, **opts):
        if action == "synthetic":
            from cchc.onestop.demo import generator
            from cchc.onestop.synthetic import generate

            if opts["count"] <= 0:
                raise CommandError("--count must be positive")
            gen = generator(opts["agency"], seed=opts["seed"])
            if not gen.procedures:
                raise CommandError(
                    "no procedures in force at those agencies; load the demo or the catalogue first"
                )
            end = opts["end"] or timezone.localdate() - timedelta(days=1)
            bar = tqdm(total=opts["count"], unit="dossier")
            made = generate(
                gen,
                count=opts["count"],
                start=opts["start"],
                end=end,
                progress=lambda done, total: bar.update(done - bar.n),
            )
            bar.close()
            self.stdout.write(f"{made} synthetic dossiers added")
        elif action == "warn":
            from cchc.onestop.services import dossier_warnings_record

            run = dossier_warnings_record(within_days=opts["within"])
            self.stdout.write(
                f"{run.warned} dossiers warned, {run.e_mails} e-mails sent, "
                f"{run.no_email} people without an e-mail address skipped"
            )
        elif action == "overdue":
            limit = timezone.now() + timedelta(days=opts["within"])
            qs = (
                Dossier.objects.filter(status__in=OPEN_STATUSES, due_at__lt=limit)
                .select_related("handling_unit", "assignee", "agency")
                .order_by("due_at")
            )
            for d in qs.iterator():
                self.stdout.write(
                    f"{d.code}\t{timezone.localtime(d.due_at):%Y-%m-%d}\t{d.handling_unit or d.agency}\t"
                    f"{d.assignee or '-'}"
                )
