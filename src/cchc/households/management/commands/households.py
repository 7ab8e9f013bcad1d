"""`cchc households …`: standards, import, synthetic data, bulk classification, Alkire–Foster."""

import sys
import time
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cchc.core.exceptions import ImportRejected


class Command(BaseCommand):
    help = "Poor-household registry tools (see docs/households.md)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("standards", help="load the shipped poverty standards (idempotent)")
        p.add_argument("--replace", action="store_true", help="rewrite standards that already exist")

        p = sub.add_parser("import", help="import households and members, all or nothing")
        p.add_argument(
            "--households", required=True, type=Path, help=".csv, .parquet or an .xlsx with both sheets"
        )
        p.add_argument("--members", type=Path, help=".csv or .parquet (not needed for an .xlsx workbook)")
        p.add_argument("--actor", required=True, help="username the import is recorded under")

        p = sub.add_parser("generate", help="write a synthetic data set (households + members files)")
        p.add_argument("--households", type=int, required=True, help="number of households")
        p.add_argument("--out", type=Path, required=True, help="folder to write into")
        p.add_argument("--format", choices=["csv", "parquet"], default="parquet")
        p.add_argument(
            "--commune",
            action="append",
            default=[],
            help="CODE:urban|rural (repeatable); default one synthetic rural commune SYN01",
        )
        p.add_argument("--seed", type=int, default=2026)

        p = sub.add_parser(
            "classify", help="classify a generated or exported data set in bulk (no database writes)"
        )
        p.add_argument("--households", type=Path, required=True)
        p.add_argument("--members", type=Path, required=True)
        p.add_argument("--standard", help="standard code; default: the one in force on --date")
        p.add_argument(
            "--date", type=date.fromisoformat, default=date.today(), help="reference date YYYY-MM-DD"
        )
        p.add_argument("--output", type=Path, help="write per-household results (.csv or .parquet)")

        p = sub.add_parser("mpi", help="Alkire–Foster measures of a 0/1 deprivation matrix")
        p.add_argument(
            "--input", required=True, type=Path, help="CSV: one row per unit, one 0/1 column per indicator"
        )
        p.add_argument("--cutoff", required=True, help="poverty cut-off k as a share: 0.3, 30%% or 3/10")
        p.add_argument("--weights", type=Path, help="CSV indicator,weight (default: equal weights)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ImportRejected as exc:
            self.stderr.write(self.style.ERROR(str(exc)))
            sys.exit(1)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def do_standards(self, replace=False, **_):
        from cchc.households.standards import load_shipped

        created = load_shipped(replace=replace)
        self.stdout.write(
            f"{len(created)} standard(s) loaded: {', '.join(s.code for s in created) or 'none new'}"
        )

    def do_import(self, households, members, actor, **_):
        from tqdm import tqdm

        from cchc.core.jobs import Progress
        from cchc.households.bulk import import_households, read_files

        user = get_user_model().objects.filter(username=actor).first()
        if user is None:
            raise CommandError(f"no user {actor!r}")
        h, m = read_files(households, members)
        with tqdm(unit="row") as bar:
            counts = import_households(actor=user, households=h, members=m, progress=Progress(bar=bar))
        self.stdout.write(
            self.style.SUCCESS(f"imported {counts['households']} households, {counts['members']} members")
        )

    def do_generate(self, households, out, format, commune, seed, **_):
        from cchc.households.generate import generate, to_import_tables

        communes = []
        for item in commune or ["SYN01:rural"]:
            code, _, setting = item.partition(":")
            if setting not in {"urban", "rural"}:
                raise CommandError(f"--commune {item!r}: write CODE:urban or CODE:rural")
            communes.append((code, setting))
        started = time.perf_counter()
        h, m = to_import_tables(generate(households, seed=seed, communes=communes))
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in (("households", h), ("members", m)):
            path = out / f"{name}.{format}"
            frame.to_csv(path, index=False) if format == "csv" else frame.to_parquet(path, index=False)
        self.stdout.write(
            f"{len(h)} households, {len(m)} members (synthetic) written to {out} "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def do_classify(self, households, members, standard, date, output, **_):
        from cchc.households.bulk import read_table
        from cchc.households.models import PovertyStandard
        from cchc.households.rules import evaluate_frame
        from cchc.households.standards import spec_of, standard_on
        from cchc.org.models import Agency

        std = PovertyStandard.objects.get(code=standard) if standard else standard_on(date)
        started = time.perf_counter()
        h, m = read_table(households, "households"), read_table(members, "members")
        settings = dict(
            Agency.objects.filter(code__in=h["commune_code"].unique().tolist()).values_list(
                "code", "area__setting"
            )
        )
        frames = _frames_from_tables(h, m, settings)
        loaded = time.perf_counter()
        result = evaluate_frame(spec_of(std), *frames, date)
        done = time.perf_counter()
        counts = result["category"].value_counts()
        self.stdout.write(f"{std.name}, reference date {date:%d/%m/%Y}: {len(h)} households")
        for cat in ("poor", "near_poor", "middle", "none"):
            self.stdout.write(f"  {cat:10} {int(counts.get(cat, 0)):>12,}")
        self.stdout.write(f"read {loaded - started:.2f} s, classified {done - loaded:.2f} s")
        if output:
            from cchc.core.exports import neutralise_frame

            result.insert(0, "code", h["code"].to_numpy())
            if output.suffix == ".csv":  # codes come from the input file: inert in a spreadsheet
                neutralise_frame(result).to_csv(output, index=False)
            else:
                result.to_parquet(output, index=False)

    def do_mpi(self, input, cutoff, weights, **_):
        from cchc.households.mpi import af_measures, parse_cutoff, read_matrix, read_weights

        k = parse_cutoff(cutoff)
        names, g0 = read_matrix(input)
        w = read_weights(weights, names) if weights else None
        r = af_measures(g0, k, w, names)
        self.stdout.write(f"units n = {r.n}, poor q = {r.q}, cut-off k = {r.cutoff:.4f}")
        self.stdout.write(f"H  = {r.H:.6f}\nA  = {r.A:.6f}\nM0 = {r.M0:.6f}")
        self.stdout.write(
            f"{'indicator':24} {'weight':>8} {'uncensored':>11} {'censored':>9} {'contribution':>13}"
        )
        for name, wt, u, c, share in zip(
            r.indicators, r.weights, r.uncensored, r.censored, r.contributions, strict=True
        ):
            self.stdout.write(f"{name:24} {wt:8.4f} {u:11.6f} {c:9.6f} {share * 100:12.2f}%")


def _frames_from_tables(h, m, settings):
    """Import-layout text tables → the numeric frames of rules.evaluate_frame (no validation report:
    use `import` for untrusted files)."""
    import numpy as np
    import pandas as pd

    from cchc.households.bulk import HOUSEHOLD_BOOLS, MEMBER_BOOLS, TRUE

    missing = set(h["commune_code"].unique()) - set(settings)
    if missing:
        raise ValueError(f"unknown commune codes: {sorted(missing)[:10]}")
    hf = pd.DataFrame(
        {
            "setting": h["commune_code"].map(settings),
            "income_per_person": h["income_per_person"].astype(np.int64),
            "floor_area": h["floor_area"].astype(float),
            "water_source": h["water_source"].astype("category"),
            "latrine": h["latrine"].astype("category"),
            # optional column, as in the import: absent = not recorded (never "middle" under NĐ 07)
            "livelihood": (h["livelihood"] if "livelihood" in h else pd.Series("", index=h.index)).astype(
                "category"
            ),
        }
    )
    for c in HOUSEHOLD_BOOLS:
        hf[c] = h[c].str.lower().isin(TRUE).to_numpy()
    position = pd.Series(np.arange(len(h)), index=h["code"])
    mf = pd.DataFrame(
        {
            "hh": position.reindex(m["household_code"]).to_numpy(),
            "birth_ymd": m["birth_date"].str.replace("-", "").astype(np.int64),
        }
    )
    if np.isnan(mf["hh"].to_numpy(dtype=float)).any():
        raise ValueError("a member refers to a household code not in the households file")
    for c in ("sex", "education", "work", "social_protection"):
        mf[c] = m[c].astype("category")
    for c in MEMBER_BOOLS:
        mf[c] = m[c].str.lower().isin(TRUE).to_numpy()
    mf["hh"] = mf["hh"].astype(np.int64)
    return hf, mf.sort_values("hh", kind="stable").reset_index(drop=True)
