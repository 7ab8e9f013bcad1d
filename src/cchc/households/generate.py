"""Synthetic households and members for tests, benchmarks and demos (clearly marked as synthetic).

Vectorised with numpy so that millions of households take seconds. Incomes cluster around the income
lines of every shipped standard and ages cover every age cut-off, so the parity test meets the edges
(exactly at a threshold, urban and rural, 2 and 3 deprivations, children, adults and the elderly).
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .models import Education, Latrine, Livelihood, WaterSource, Work

FAMILY = np.array(["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Giàng", "Lò", "Sùng"])
GIVEN = np.array(
    ["An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Minh", "Nam", "Sáng", "Thảo", "Tú"]
)
# Income lines of the shipped standards (VND) and a few round values; half the incomes sit on them.
LINES = np.array(
    [
        700_000,
        900_000,
        1_000_000,
        1_300_000,
        1_500_000,
        1_950_000,
        2_000_000,
        2_200_000,
        2_250_000,
        2_800_000,
        3_000_000,
    ]
)


@dataclass
class Synthetic:
    households: pd.DataFrame  # one row per household; `setting`, `commune_code` and the household fields
    members: pd.DataFrame  # `hh` (household row), `household_code`, `birth_ymd` and the member fields


def _choice(rng, values, n, p=None):
    return pd.Categorical.from_codes(rng.choice(len(values), size=n, p=p), categories=list(values))


def generate(
    n: int,
    *,
    seed: int = 2026,
    reference: date = date(2025, 11, 1),
    communes=(("SYN01", "rural"),),
    personal: bool = True,
) -> Synthetic:
    """n synthetic households spread over `communes` ((code, setting), …) and about 3.6 n members.

    personal=False leaves out names and identity numbers (benchmarks: less memory, same rules).
    """
    rng = np.random.default_rng(seed)
    commune_idx = rng.integers(0, len(communes), size=n)
    commune_codes = np.array([c for c, _ in communes])
    settings = np.array([s for _, s in communes])
    on_line = rng.random(n) < 0.5
    income = np.where(
        on_line,
        LINES[rng.integers(0, len(LINES), size=n)] + rng.choice([-1, 0, 0, 1], size=n),
        rng.integers(300_000, 4_000_000, size=n),
    )
    size = np.clip(rng.poisson(2.6, size=n) + 1, 1, 10)
    h = pd.DataFrame(
        {
            "code": pd.Series(np.char.add("SYN-", np.arange(1, n + 1).astype(str)))
            if personal
            else np.arange(n),
            "commune_code": pd.Categorical(commune_codes[commune_idx]),
            "setting": pd.Categorical(settings[commune_idx], categories=["urban", "rural"]),
            "income_per_person": income.astype(np.int64),
            # Floor area sometimes exactly 8 m² per person (the cut-off), else spread around it.
            "floor_area": np.where(
                rng.random(n) < 0.2, 8.0 * size, np.round(rng.uniform(4, 20, size=n) * size, 1)
            ),
            "wall_durable": rng.random(n) < 0.75,
            "column_durable": rng.random(n) < 0.75,
            "roof_durable": rng.random(n) < 0.75,
            "water_source": _choice(rng, WaterSource.values, n),
            "latrine": _choice(rng, Latrine.values, n),
            "uses_telecom": rng.random(n) < 0.85,
            "uses_internet": rng.random(n) < 0.7,
            "uses_digital_services": rng.random(n) < 0.4,
            "has_information_device": rng.random(n) < 0.85,
            "hears_loudspeaker": rng.random(n) < 0.7,
            "treats_waste": rng.random(n) < 0.75,
            # Every livelihood, "not recorded" included, so the middle band's scope meets both sides.
            "livelihood": _choice(rng, Livelihood.values, n),
        }
    )
    m_total = int(size.sum())
    hh = np.repeat(np.arange(n), size)
    # Ages 0–95, with extra mass on the cut-off ages (3, 5, 6, 15, 16, 18, 30, 60) and birthdays on
    # the reference day, so "exactly N years old" occurs often.
    edge_ages = np.array([3, 5, 6, 15, 16, 18, 29, 30, 31, 59, 60])
    age = np.where(
        rng.random(m_total) < 0.3,
        edge_ages[rng.integers(0, len(edge_ages), size=m_total)],
        rng.integers(0, 96, size=m_total),
    )
    ref = np.datetime64(reference, "D")
    birthday = np.where(rng.random(m_total) < 0.2, 0, rng.integers(-200, 200, size=m_total))
    years = (ref.astype("datetime64[Y]").astype(int) + 1970 - age).astype(np.int64)
    month_day = (ref - ref.astype("datetime64[Y]")).astype(int)  # day of year of the reference
    start = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]") + month_day + birthday
    start = np.minimum(start, ref)  # nobody born after the reference day
    ys = start.astype("datetime64[Y]").astype(int) + 1970
    ms = start.astype("datetime64[M]").astype(int) % 12 + 1
    ds = (start - start.astype("datetime64[M]")).astype(int) + 1
    m = pd.DataFrame(
        {
            "hh": hh,
            "household_code": h["code"].to_numpy()[hh],
            "birth_ymd": ys * 10000 + ms * 100 + ds,
            "sex": _choice(rng, ["M", "F"], m_total),
            "has_disability": rng.random(m_total) < 0.05,
            "health_insurance": rng.random(m_total) < 0.9,
            "in_school": rng.random(m_total) < 0.5,
            "behind_grade": rng.random(m_total) < 0.05,
            "education": _choice(rng, Education.values, m_total),
            "work": _choice(rng, Work.values, m_total),
            "ill_untreated": rng.random(m_total) < 0.03,
            "malnourished": rng.random(m_total) < 0.05,
            "social_protection": _choice(rng, ["", "5", "6"], m_total, p=[0.9, 0.05, 0.05]),
        }
    )
    if personal:
        first = np.concatenate([[True], hh[1:] != hh[:-1]])
        m.insert(
            2,
            "full_name",
            pd.Series(FAMILY[rng.integers(0, len(FAMILY), m_total)])
            + " "
            + pd.Series(GIVEN[rng.integers(0, len(GIVEN), m_total)])
            + " [mẫu]",
        )
        m.insert(3, "identity_number", pd.Series((rng.integers(0, 10**11, m_total) + 9 * 10**11).astype(str)))
        m.insert(4, "relation", np.where(first, "Chủ hộ", "Thành viên"))
        h.insert(2, "head_name", m["full_name"].to_numpy()[np.flatnonzero(first)])
        h.insert(2, "village", "Thôn mẫu " + pd.Series((commune_idx % 5 + 1).astype(str)))
    return Synthetic(h, m)


def birth_dates(ymd) -> pd.Series:
    """yyyymmdd integers → ISO date strings, the form the import files use."""
    return pd.Series(pd.to_datetime(pd.Series(ymd).astype(str), format="%Y%m%d").dt.strftime("%Y-%m-%d"))


def to_import_tables(syn: Synthetic) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The synthetic set in the import file layout (docs/households.md), every cell as text."""
    from .bulk import HOUSEHOLD_BOOLS, MEMBER_BOOLS

    h = syn.households.drop(columns=["setting"]).copy()
    h["address"] = ""
    m = syn.members.drop(columns=["hh"]).copy()
    m.insert(2, "birth_date", birth_dates(m.pop("birth_ymd")).to_numpy())
    for frame, bools in ((h, HOUSEHOLD_BOOLS), (m, MEMBER_BOOLS)):
        for c in bools:
            frame[c] = np.where(frame[c].to_numpy(dtype=bool), "1", "0")
    return h.astype(str), m.astype(str)
