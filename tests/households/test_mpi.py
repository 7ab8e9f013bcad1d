"""Alkire–Foster measures, checked against a hand-computed example (Alkire & Foster 2011 style)."""

import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.households.mpi import af_measures, parse_cutoff

# 4 units × 4 indicators, equal weights 1/4.
G0 = np.array(
    [
        [1, 1, 1, 0],  # c = 0.75
        [1, 0, 0, 0],  # c = 0.25
        [0, 1, 1, 0],  # c = 0.50
        [0, 0, 0, 0],
    ]
)  # c = 0


def test_hand_computed_example():
    r = af_measures(G0, 0.5)
    assert (r.n, r.q) == (4, 2)
    assert r.H == pytest.approx(0.5)
    assert r.A == pytest.approx((0.75 + 0.5) / 2)
    assert r.M0 == pytest.approx(r.H * r.A) == pytest.approx(1.25 / 4)
    assert r.censored == pytest.approx([0.25, 0.5, 0.5, 0.0])  # unit 2 is deprived in i1 but not poor
    assert r.uncensored == pytest.approx([0.5, 0.5, 0.5, 0.0])
    assert sum(r.contributions) == pytest.approx(1)
    assert r.M0 == pytest.approx(sum(w * h for w, h in zip(r.weights, r.censored, strict=True)))


def test_unit_exactly_at_the_cutoff_is_poor():
    g0 = np.zeros((1, 12))
    g0[0, :3] = 1  # 3 of 12 equal-weight indicators, k = 3/12 (NĐ 07/2021)
    assert af_measures(g0, parse_cutoff("3/12")).q == 1


def test_weights_change_identification():
    r = af_measures(G0, 0.5, weights=[2, 1, 1, 0])  # i1 counts half
    assert r.q == 3  # units 1, 2 (c = 0.5) and 3 (c = 0.5)


def test_cutoff_parsing():
    assert parse_cutoff("30%") == pytest.approx(0.3)
    assert parse_cutoff("1/3") == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        parse_cutoff("3")


def test_command(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(
        "id,a,b,c,d\n" + "\n".join(f"u{i}," + ",".join(map(str, row)) for i, row in enumerate(G0))
    )
    (tmp_path / "w.csv").write_text("indicator,weight\na,1\nb,1\nc,1\nd,1\n")
    out = io.StringIO()
    call_command(
        "households",
        "mpi",
        "--input",
        str(path),
        "--cutoff",
        "0.5",
        "--weights",
        str(tmp_path / "w.csv"),
        stdout=out,
    )
    text = out.getvalue()
    assert "H  = 0.500000" in text and "M0 = 0.312500" in text and "A  = 0.625000" in text
    assert "a" in text and "20.00%" in text  # a: 0.25 × 0.25 / 0.3125


def test_command_rejects_non_binary_cells(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,0\n2,1\n")
    with pytest.raises(SystemExit):
        call_command("households", "mpi", "--input", str(path), "--cutoff", "0.5")
    assert "row 3, column a: expected 0 or 1" in capsys.readouterr().err


def test_command_rejects_bad_cutoff(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a\n1\n")
    with pytest.raises(CommandError):
        call_command("households", "mpi", "--input", str(path), "--cutoff", "7")
