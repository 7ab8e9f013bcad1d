"""What every benchmark needs first: Django on a throwaway database, migrated.

SQLite in a fresh temporary folder by default; with DATABASE_URL set, that server's database
`<name>_bench_<label>` is dropped and created anew. Call before importing any cchc model.
"""

import os
import tempfile


def setup_django(label: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"  # pages are timed through the test client
    if "DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + f"_bench_{label}"
    else:
        os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix=f"cchc-bench-{label}-")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        name = settings.DATABASES["default"]["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
