"""Benchmark: import 50,000 survey responses and aggregate 50,000 × 40 questions into scores (issue #7).

    .venv/bin/python -m bench.surveys_scale [--rows 50000] [--questions 40]

Throwaway database: SQLite in a temporary folder, or the DATABASE_URL given (it is migrated).
Data are synthetic: a questionnaire of N Likert questions (5 per PAR item, each also a SIPAS
aspect), 4 respondent groups, 20 assessed units, random answers (numpy, seed 7) written as CSV.
"Import" = responses_import on the CSV bytes (parse, validate every cell, write, audit).
"Aggregate" = scoring.compute (read every response from the database, map answers to fractions,
means per unit × group × item, weighted points) and scoring.satisfaction (SIPAS shares).
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=40)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-surveys-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.settings"
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from openpyxl import Workbook

    from cchc.org import services as org
    from cchc.org.models import AgencyType
    from cchc.surveys import scoring, services

    call_command("migrate", verbosity=0)
    root = get_user_model().objects.create_superuser(username=f"bench{os.getpid()}", password="x-Bench-2026")
    ministry = org.agency_create(
        actor=root,
        code=f"B{os.getpid()}.G00",
        name="Bộ (bench)",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    units = [
        org.agency_create(
            actor=root,
            code=f"B{os.getpid()}.{i:02d}",
            name=f"Đơn vị {i}",
            type=AgencyType.DEPARTMENT,
            parent=ministry,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )
        for i in range(20)
    ]
    aspects = ["access", "procedures", "officials", "results", "feedback"]
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(["type", "name", "label", "appearance", "par_item", "sipas_aspect"])
    names = [f"q{i:02d}" for i in range(args.questions)]
    for i, name in enumerate(names):
        ws.append(["select_one likert5", name, f"Câu {i}", "likert", f"{1 + i // 5}.2", aspects[i % 5]])
    cs = wb.create_sheet("choices")
    cs.append(["list_name", "name", "label"])
    for v in range(1, 6):
        cs.append(["likert5", str(v), str(v)])
    buf = io.BytesIO()
    wb.save(buf)
    questionnaire, _ = services.questionnaire_import_xlsform(
        actor=root, agency=ministry, data=buf.getvalue(), file_name="bench.xlsx"
    )
    survey = services.survey_create(actor=root, questionnaire=questionnaire, agency=ministry, name="bench")
    groups = ["leaders", "staff", "locals", "citizens"]
    for g in groups:
        services.group_save(actor=root, survey=survey, code=g, name=g, weight=1 + groups.index(g))

    rng = np.random.default_rng(7)
    t = time.perf_counter()
    answers = rng.integers(1, 6, size=(args.rows, args.questions)).astype(str)
    answers[rng.random(answers.shape) < 0.05] = ""  # 5 % unanswered
    lines = ["group,subject," + ",".join(names)]
    gcol = np.array(groups)[rng.integers(0, 4, args.rows)]
    scol = np.array([u.code for u in units])[rng.integers(0, 20, args.rows)]
    lines += [f"{g},{s}," + ",".join(row) for g, s, row in zip(gcol, scol, answers, strict=True)]
    data = ("\n".join(lines) + "\n").encode()
    print(
        f"generated {args.rows:,} rows × {args.questions} questions ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    services.responses_import(actor=root, survey=survey, data=data, file_name="bench.csv")
    imported = time.perf_counter() - t
    print(f"import:    {imported:6.2f} s  ({args.rows / imported:,.0f} responses/s)  target < 30 s")

    maxima = {f"{1 + i // 5}.2": Decimal("4.5") for i in range(args.questions)}
    timings = []
    for _ in range(3):
        t = time.perf_counter()
        result = scoring.compute(survey, maxima)
        timings.append(time.perf_counter() - t)
    print(
        f"aggregate: {min(timings):6.2f} s  (best of 3; {len(result['results'])} units × {len(maxima)} items)  target < 2 s"
    )
    t = time.perf_counter()
    table = scoring.satisfaction(survey)
    print(f"SIPAS:     {time.perf_counter() - t:6.2f} s  ({len(table)} units × 6 aspects)")
    from django.db import connection

    print(f"database: {connection.vendor}; cores: {os.cpu_count()}")


if __name__ == "__main__":
    main()
