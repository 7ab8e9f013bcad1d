import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cchc.core.jobs import Progress
from cchc.org.models import Agency

from ...report import FORMATS, render


class Command(BaseCommand):
    help = (
        "Reform registers. `cchc reform report --agency CODE --year YYYY --format docx|pdf|md [--output FILE]` "
        'writes the annual report "Báo cáo kết quả công tác CCHC năm YYYY" computed from the registers.'
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rep = sub.add_parser("report", help="write the annual reform report")
        rep.add_argument("--agency", required=True, help="identifier code, e.g. 000.00.00.G12")
        rep.add_argument("--year", required=True, type=int)
        rep.add_argument("--format", required=True, choices=sorted(FORMATS))
        rep.add_argument(
            "--output", help="file to write (default: bao-cao-cchc-YYYY-CODE.FORMAT; '-' for standard output)"
        )
        rep.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, action, **options):
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"no unit has the identifier code {options['agency']!r}")
        fmt = options["format"]
        with tqdm(total=2, disable=not sys.stderr.isatty()) as bar:
            name, content = render(agency, options["year"], fmt, options["language"], Progress(bar=bar))
        output = options["output"] or name
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{output} written ({len(content):,} bytes)"))
