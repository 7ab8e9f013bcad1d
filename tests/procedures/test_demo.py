import io
from datetime import date

from cchc.org import demo as org_demo
from cchc.procedures import demo, selectors
from cchc.procedures.models import Procedure, ProcedureVersion


def test_demo_catalogue_records_2018_simplification(db):
    out = io.StringIO()
    org_demo.load(out)
    demo.load(out)
    assert Procedure.objects.count() == 146
    assert (
        Procedure.objects.filter(status="abolished", abolished_on__year=2018).count() == demo.ABOLISHED_2018
    )
    assert (
        ProcedureVersion.objects.filter(number=2, effective_from__year=2018).count() == demo.SIMPLIFIED_2018
    )
    # the search works on the demo catalogue without diacritics
    assert selectors.procedure_search("tro cap that nghiep").exists()
    simplified = ProcedureVersion.objects.filter(number=2).first().procedure
    before = selectors.procedure_version_in_force(simplified, date(2018, 1, 1))
    after = selectors.procedure_version_in_force(simplified, date(2019, 1, 1))
    assert after.components.count() < before.components.count()
