from pathlib import Path

import polib
from django.core.management.base import BaseCommand

import cchc


class Command(BaseCommand):
    help = "Compile the Vietnamese/English message catalogues (.po → .mo) without GNU gettext."

    def handle(self, *args, **options):
        root = Path(cchc.__file__).resolve().parent
        count = 0
        for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"compiled {count} catalogue(s)")
