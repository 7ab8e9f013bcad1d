"""Benchmark: validated all-or-nothing import of households and members into the database.

    .venv/bin/python -m bench.households_import [--households 20000]

Throwaway SQLite database (or DATABASE_URL if given), synthetic data in the import layout, the full
path: validation report checks, then bulk inserts in one transaction.
"""

import argparse
import os
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args()
    os.environ.setdefault("CCHC_DATA_DIR", tempfile.mkdtemp(prefix="cchc-bench-import-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.settings"
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cchc.households.bulk import import_households, validate
    from cchc.households.generate import generate, to_import_tables
    from cchc.households.models import Household
    from cchc.org.models import AdministrativeArea, Agency

    admin = get_user_model().objects.create_superuser(username="bench", password="x-Bench-2026")
    area = AdministrativeArea.objects.create(code="B1", name="Bench", level="commune", valid_from=date(2020, 1, 1))
    Agency.objects.create(code="BENCH", name="Bench commune", type="commune", area=area, path="/",
                          valid_from=date(2020, 1, 1))
    h, m = to_import_tables(generate(args.households, communes=[("BENCH", "rural")]))
    t0 = time.perf_counter()
    validate(admin, h.copy(), m.copy())
    t1 = time.perf_counter()
    import_households(actor=admin, households=h, members=m)
    t2 = time.perf_counter()
    assert Household.objects.count() == len(h)
    print(f"{len(h):,} households, {len(m):,} members: validation {t1 - t0:.2f} s; "
          f"validation + insert {t2 - t1:.2f} s ({(len(h) + len(m)) / (t2 - t1):,.0f} rows/s)")


if __name__ == "__main__":
    main()
