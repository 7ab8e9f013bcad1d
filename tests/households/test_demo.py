import io
import time

import pytest

from cchc.households.models import Household, ReviewRound

pytestmark = pytest.mark.django_db


def test_demo_loads_fast_and_shows_a_province_dashboard(client):
    from cchc.households import demo
    from cchc.org import demo as org_demo

    out = io.StringIO()
    org_demo.load(out)
    started = time.perf_counter()
    demo.load(out)
    elapsed = time.perf_counter() - started
    print(f"households demo: {elapsed:.2f} s")
    assert elapsed < 10
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
