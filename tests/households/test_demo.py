import io

import pytest

from cchc.households.models import Household, ReviewRound

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 1500  # 1,148 when written; one statement per household would pass 1,400


def test_demo_loads_in_bulk_and_shows_a_province_dashboard(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.households import demo
    from cchc.org import demo as org_demo

    out = io.StringIO()
    org_demo.load(out)
    with CaptureQueriesContext(connection) as queries:
        demo.load(out)
    # bulk writes: the statement count does not grow with the 280 households and 1,010 members
    # (its time is measured in bench/, not here)
    assert len(queries) < QUERY_BUDGET, len(queries)
    assert Household.objects.filter(is_synthetic=False).count() == 0
    assert (
        ReviewRound.objects.filter(status=ReviewRound.Status.APPROVED).count() == 14
    )  # 7 communes × 2 years
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="laocai.viewer"))
    html = client.get("/households/stats/?area=000.00.00.H37&year=2025").content.decode()
    assert "Xã Y Tý" in html and html.count("<svg") >= 3
    client.force_login(get_user_model().objects.get(username="admin"))
    html = client.get("/households/stats/?year=2025").content.decode()  # nationwide, by province
    assert (
        '<th scope="row">Tỉnh Lào Cai</th>' in html and "Hộ nghèo, hộ cận nghèo theo tỉnh, thành phố" in html
    )
