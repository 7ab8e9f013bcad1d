"""Benchmark: classify and aggregate households with their members (issue #6, "Scale").

    .venv/bin/python -m bench.households_classify [--sizes 100000 1000000] [--national-chunks 3]

Uses a throwaway SQLite database (migrated, so the shipped standards are loaded from their rows),
synthetic data from cchc.households.generate (generation time is reported but not counted), and the
NĐ 07/2021 standard. "Classify and aggregate" = evaluate all 12 indicators over members and households,
classify, then counts by commune and urban/rural, deprivation rate per indicator and the Alkire–Foster
measures. The national figure (27 million households) is processed in chunks of 1,000,000 households
so memory stays bounded; chunks beyond --national-chunks are extrapolated linearly (stated as such).
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date

NATIONAL = 26_870_079  # households at the 2019 census


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def aggregate(syn_h, result, codes):
    import numpy as np

    from cchc.households.mpi import af_measures

    poor = (result["category"] == "poor").to_numpy()
    near = (result["category"] == "near_poor").to_numpy()
    commune = syn_h["commune_code"].cat.codes.to_numpy()
    k = len(syn_h["commune_code"].cat.categories)
    by_commune = np.stack(
        [np.bincount(commune, minlength=k), np.bincount(commune, poor, k), np.bincount(commune, near, k)]
    )
    urban = (syn_h["setting"] == "urban").to_numpy()
    by_setting = [(int(poor[urban].sum()), int(urban.sum())), (int(poor[~urban].sum()), int((~urban).sum()))]
    g0 = result[codes].to_numpy(dtype=np.int8)
    rates = g0.mean(axis=0)
    af = af_measures(g0, 3 / len(codes), indicators=codes)
    return by_commune, by_setting, rates, af


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--national-chunks", type=int, default=3, help="1M-household chunks actually run")
    parser.add_argument("--single-repeats", type=int, default=2000)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="cchc-bench-households-")
    os.environ.setdefault("CCHC_DATA_DIR", tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.settings"
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cchc.households.generate import generate
    from cchc.households.models import PovertyStandard
    from cchc.households.rules import evaluate_frame, evaluate_household
    from cchc.households.standards import spec_of

    spec = spec_of(PovertyStandard.objects.get(code="nd-07-2021"))
    codes = spec.indicator_codes
    day = date(2025, 11, 1)
    communes = [(f"C{i:05d}", "urban" if i % 4 == 0 else "rural") for i in range(1000)]
    print(f"machine: {os.cpu_count()} cores; standard {spec.code} ({len(codes)} indicators)")

    for n in args.sizes:
        t0 = time.perf_counter()
        syn = generate(n, seed=n, reference=day, communes=communes, personal=False)
        t1 = time.perf_counter()
        result = evaluate_frame(spec, syn.households, syn.members, day)
        t2 = time.perf_counter()
        _, _, _, af = aggregate(syn.households, result, codes)
        t3 = time.perf_counter()
        print(
            f"{n:>10,} households, {len(syn.members):>11,} members: classify {t2 - t1:6.2f} s + aggregate "
            f"{t3 - t2:5.2f} s = {t3 - t1:6.2f} s   (generation {t1 - t0:.1f} s, not counted; "
            f"H={af.H:.4f} M0={af.M0:.4f}; peak RSS {peak_rss_gb():.2f} GB)"
        )
        del syn, result

    # National scale, chunked.
    chunk, run = 1_000_000, min(args.national_chunks, -(-NATIONAL // 1_000_000))
    spent, totals = 0.0, [0, 0]
    for c in range(run):
        syn = generate(chunk, seed=100 + c, reference=day, communes=communes, personal=False)
        t1 = time.perf_counter()
        result = evaluate_frame(spec, syn.households, syn.members, day)
        by_commune, _, _, _ = aggregate(syn.households, result, codes)
        spent += time.perf_counter() - t1
        totals[0] += int(by_commune[1].sum())
        totals[1] += int(by_commune[0].sum())
        del syn, result
    per_chunk = spent / run
    if run * chunk >= NATIONAL:
        print(
            f"national: {run} chunks of 1,000,000 households (all {NATIONAL:,} and more) classified and "
            f"aggregated in {spent:.1f} s ({per_chunk:.2f} s per chunk, generation not counted); "
            f"{totals[0]:,} poor of {totals[1]:,}; peak RSS {peak_rss_gb():.2f} GB"
        )
    else:
        print(
            f"national: {run} chunk(s) of 1,000,000 run in {spent:.1f} s ({per_chunk:.2f} s each); "
            f"{NATIONAL:,} households EXTRAPOLATED: {per_chunk * NATIONAL / chunk:.0f} s; "
            f"peak RSS {peak_rss_gb():.2f} GB"
        )

    # Reading 1,000,000 households with members from Parquet (data at rest), then classifying.
    import pandas as pd

    syn = generate(chunk, seed=999, reference=day, communes=communes, personal=False)
    syn.households.to_parquet(f"{tmp}/h.parquet")
    syn.members.to_parquet(f"{tmp}/m.parquet")
    del syn
    t1 = time.perf_counter()
    h, m = pd.read_parquet(f"{tmp}/h.parquet"), pd.read_parquet(f"{tmp}/m.parquet")
    t2 = time.perf_counter()
    result = evaluate_frame(spec, h, m, day)
    aggregate(h, result, codes)
    t3 = time.perf_counter()
    print(
        f"1,000,000 households from Parquet: read {t2 - t1:.2f} s + classify and aggregate {t3 - t2:.2f} s "
        f"= {t3 - t1:.2f} s"
    )
    del h, m, result

    # One household.
    syn = generate(1, seed=1, reference=day, communes=[("C", "rural")])
    h = syn.households.to_dict("records")[0]
    members = syn.members.to_dict("records")
    for m in members:
        y = int(m["birth_ymd"])
        m["birth_date"] = date(y // 10000, y // 100 % 100, y % 100)
    t = time.perf_counter()
    for _ in range(args.single_repeats):
        evaluate_household(spec, "rural", h, members, day)
    single = (time.perf_counter() - t) / args.single_repeats * 1000
    print(f"one household ({len(members)} members): {single:.3f} ms per classification (evaluation only)")
    from cchc.households.engine import classify_household
    from cchc.households.models import Household, Member
    from cchc.org.models import AdministrativeArea, Agency

    area = AdministrativeArea.objects.create(code="B1", name="Bench", level="commune", valid_from=day)
    commune = Agency.objects.create(
        code="BENCH", name="Bench commune", type="commune", area=area, path="/", valid_from=day
    )
    hh = Household.objects.create(
        code="B",
        commune=commune,
        head_name="x",
        income_per_person=h["income_per_person"],
        floor_area=h["floor_area"],
        water_source=h["water_source"],
        latrine=h["latrine"],
    )
    for m in members:
        Member.objects.create(
            household=hh,
            full_name="x",
            birth_date=m["birth_date"],
            sex=m["sex"],
            relation="x",
            education=m["education"],
            work=m["work"],
        )
    t = time.perf_counter()
    for _ in range(200):
        classify_household(spec, Household.objects.select_related("commune__area").get(pk=hh.pk), day)
    print(
        f"one household read from the database and classified: {(time.perf_counter() - t) / 200 * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
