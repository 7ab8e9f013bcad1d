import io

from django.core.management import call_command

from cchc.org import demo as org_demo
from cchc.parindex import demo, selectors
from cchc.parindex.models import Cycle


def test_demo_loads_and_ranks_ministries_and_units(db, django_assert_max_num_queries):
    org_demo.load(io.StringIO())
    demo.load(io.StringIO())
    bo = Cycle.objects.get(code="BO-2018")
    assert bo.is_published and bo.is_synthetic
    with django_assert_max_num_queries(4):
        rows = selectors.ranking(bo)
    assert len(rows) == 20 and rows[0].rank == 1 and rows[-1].rank is None  # Ủy ban Dân tộc: not ranked
    units = Cycle.objects.get(code="DV-2026-G12")
    blocks = dict(units.subjects.values_list("agency__code", "block"))
    assert (
        blocks["000.00.09.G12"] == "TC"
        and blocks["000.00.12.G12"] == "CUC"
        and blocks["000.00.03.G12"] == "VU"
    )
    assert "000.00.18.G12" not in blocks  # merged into Văn phòng Bộ in 2018
    out = io.StringIO()
    call_command("parindex", "ranking", "--cycle", "BO-2018", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "rank,subject_code,subject_name,points,index_percent,group"
    assert len(lines) == 21
