import sys
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cchc.core.demoloader import demo_loaders
from cchc.org.models import Agency

DEMO_PASSWORD = "cchc-demo-2026"


class Command(BaseCommand):
    help = "Migrate, load the demo data (synthetic people, real unit names) and serve the platform."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
        parser.add_argument("--reset", action="store_true", help="erase the database first")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve=False, reset=False, host="127.0.0.1", port=8000, **options):
        call_command("i18n_compile", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            self.set_checkpoints_aside()
        if Agency.objects.exists():
            self.stdout.write("demo data already present (use --reset to load it again)")
        else:
            for label, load in demo_loaders():
                self.stdout.write(f"loading demo data: {label} …")
                sys.stdout.flush()
                with transaction.atomic():
                    load(self.stdout)
        self.print_accounts()
        if not no_serve:
            call_command("serve", host=host, port=port)

    def set_checkpoints_aside(self):
        """The emptied log starts a new chain: its predecessor's signed checkpoints would fail
        `cchc audit verify`, so they are kept, renamed, beside the new folder."""
        folder = Path(settings.CCHC_AUDIT_CHECKPOINT_DIR)
        if folder.is_dir() and any(folder.iterdir()):
            aside = folder.with_name(f"{folder.name}.before-reset-{datetime.now():%Y%m%d-%H%M%S}")
            folder.rename(aside)
            self.stdout.write(f"audit checkpoints of the erased log kept in {aside}")

    def print_accounts(self):
        User = get_user_model()
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):"))
        users = (
            User.objects.filter(is_synthetic=True).select_related("unit").prefetch_related("role_assignments")
        )
        for user in users.order_by("kind", "username")[:40]:
            roles = ", ".join(str(r.get_role_display()) for r in user.role_assignments.all())
            what = "superuser" if user.is_superuser else (roles or user.get_kind_display())
            unit = f" @ {user.unit.short_name or user.unit.name}" if user.unit_id else ""
            self.stdout.write(f"  {user.username:<22} {what}{unit}")
