"""Benchmark: a cycle of 100 subjects × 150 scored items × 3 rounds (self, appraisal 1 and 2).

Measures the computation (target < 1 s) and the public ranking page (target < 200 ms).
Run: .venv/bin/python -m bench.parindex_compute   (SQLite in a temp dir unless DATABASE_URL is set)
"""

import os
import random
import statistics
import tempfile
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SUBJECTS, AREAS, LEAVES_PER_AREA = 100, 15, 10


def build():
    from cchc.org.models import Agency, AgencyType
    from cchc.parindex import engine, methodology
    from cchc.parindex.models import Cycle, Entry, Stage, Subject

    owner = Agency.objects.create(
        code="BENCH.OWNER",
        name="Bộ Nội vụ (bench)",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        path="/",
    )
    owner.path = f"/{owner.pk}/"
    owner.save(update_fields=["path"])
    agencies = []
    for n in range(SUBJECTS):
        a = Agency.objects.create(
            code=f"BENCH.{n:03d}",
            name=f"Bộ số {n:03d}",
            type=AgencyType.MINISTRY,
            valid_from=date(2010, 1, 1),
            path="/",
        )
        a.path = f"/{a.pk}/"
        a.save(update_fields=["path"])
        agencies.append(a)
    items = []
    for area in range(1, AREAS + 1):
        items.append(
            {
                "code": str(area),
                "name": f"Lĩnh vực {area}",
                "max_points": Decimal(10),
                "_row": len(items) + 1,
                "_sheet": "items",
            }
        )
        for leaf in range(1, LEAVES_PER_AREA + 1):
            items.append(
                {
                    "code": f"{area}.{leaf}",
                    "name": f"Tiêu chí {area}.{leaf}",
                    "max_points": Decimal(1),
                    "assessment": "survey" if leaf == LEAVES_PER_AREA else "self",
                    "_row": len(items) + 1,
                    "_sheet": "items",
                }
            )
    doc = {
        "header": {
            "code": "BENCH",
            "name": "Bench",
            "level": "ministry",
            "legal_basis": "bench",
            "effective_from": "2020-01-01",
            "status": "placeholder",
            "max_points": AREAS * 10,
        },
        "blocks": [],
        "items": items,
    }
    m = methodology.create(methodology.validate(doc))
    cycle = Cycle.objects.create(
        code="BENCH",
        name="Bench",
        year=2024,
        methodology=m,
        owner=owner,
        groups=[{"label": "A", "min": "90"}, {"label": "B", "min": "80"}],
    )
    subjects = Subject.objects.bulk_create([Subject(cycle=cycle, agency=a) for a in agencies])
    leaves = list(m.items.filter(children__isnull=True))
    rng = random.Random(1)
    rows = []
    for s in subjects:
        for item in leaves:
            stages = (
                [Stage.SURVEY]
                if item.assessment == "survey"
                else [Stage.SELF, Stage.APPRAISAL1, Stage.APPRAISAL2]
            )
            for stage in stages:
                rows.append(
                    Entry(subject=s, item=item, stage=stage, points=Decimal(rng.randint(0, 100)) / 100)
                )
    Entry.objects.bulk_create(rows, batch_size=5000)
    return cycle, len(leaves), len(rows), engine


def main():
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        cycle, n_items, n_entries, engine = build()
    print(f"database: {connection.vendor}; {SUBJECTS} subjects × {n_items} items; {n_entries} entries")
    times = []
    for _ in range(5):
        t = time.perf_counter()
        engine.compute_and_store(cycle)
        times.append(time.perf_counter() - t)
    print(
        f"compute: best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms (target < 1000 ms)"
    )
    cycle.status = "published"
    cycle.save(update_fields=["status"])
    client = Client(HTTP_HOST="localhost")
    client.get("/parindex/cycles/BENCH/ranking/")  # warm templates and caches
    page_times = []
    for _ in range(20):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            response = client.get("/parindex/cycles/BENCH/ranking/")
        page_times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    print(
        f"ranking page: best {min(page_times) * 1000:.0f} ms, median {statistics.median(page_times) * 1000:.0f} ms, "
        f"{len(q.captured_queries)} queries (target < 200 ms)"
    )


if __name__ == "__main__":
    main()
