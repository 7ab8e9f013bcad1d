from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from cchc.workdays import selectors


def _moment(text: str) -> datetime:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise CommandError(f'--from must look like "YYYY-MM-DD HH:MM", got {text!r}')


class Command(BaseCommand):
    help = 'Working-day calendar: `cchc workdays due --from "2026-02-13 14:30" --days 5` prints the due date.'

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("due", help="the due date N working days after receipt (15:00 cut-off applied)")
        due.add_argument(
            "--from", dest="start", required=True, help='time of receipt, "YYYY-MM-DD HH:MM" (local time)'
        )
        due.add_argument("--days", type=int, required=True, help="working days allowed")
        due.add_argument("--no-cutoff", action="store_true", help="do not apply the 15:00 cut-off")
        between = sub.add_parser("between", help="working days after START up to and including END")
        between.add_argument("start", type=date.fromisoformat)
        between.add_argument("end", type=date.fromisoformat)
        year = sub.add_parser("year", help="list the weekdays off and the weekend days worked in a year")
        year.add_argument("year", type=int)

    def handle(self, *args, action, **opts):
        if action == "due":
            if opts["days"] < 0:
                raise CommandError("--days must be zero or positive")
            due = selectors.add_working_days(
                _moment(opts["start"]), opts["days"], apply_cutoff=not opts["no_cutoff"]
            )
            self.stdout.write(due.strftime("%Y-%m-%d %H:%M"))
        elif action == "between":
            self.stdout.write(str(selectors.working_days_between(opts["start"], opts["end"])))
        elif action == "year":
            for day, kind, name in selectors.calendar().days_off(opts["year"]):
                self.stdout.write(f"{day:%Y-%m-%d}\t{kind}\t{name}")
