from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from cchc.core.files import orphan_files_clean


class Command(BaseCommand):
    help = (
        "Remove uploaded files that no row refers to and that are older than the grace period "
        "(left behind by a process killed between writing a file and committing its row)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=settings.CCHC_ORPHAN_FILE_GRACE_HOURS,
            help="keep unreferenced files younger than this (default: CCHC_ORPHAN_FILE_GRACE_HOURS)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed")

    def handle(self, *args, grace_hours, dry_run, **options):
        found = orphan_files_clean(timedelta(hours=grace_hours), dry_run=dry_run)
        for path in found:
            self.stdout.write(str(path))
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"files_clean: {verb} {len(found)} orphan file(s)")
