from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and uploaded files from an archive made by `cchc backup`. Stop the server first."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes=False, **options):
        if not archive.exists():
            raise CommandError(f"{archive} does not exist")
        if not yes:
            answer = input(f"Replace ALL current data with {archive}? Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        try:
            manifest = backup_restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"restored backup of {manifest['created_at']} ({manifest['engine']})")
        )
