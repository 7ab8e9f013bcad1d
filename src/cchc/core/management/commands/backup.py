from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and uploaded files to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", type=Path, help="archive path (default: var/backups/cchc-<time>.tar.gz)"
        )

    def handle(self, *args, output=None, **options):
        try:
            path = backup_create(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"backup written to {path}"))
