"""End to end: a commune poverty officer runs the yearly review in the browser and the commune
chairperson approves the list."""

import pytest

from cchc.households.models import ReviewRound
from tests.browser_support import login

from .conftest import add_household


@pytest.mark.browser
def test_review_round_through_the_browser(page, superuser, area, officer, chair):
    add_household(
        superuser,
        area["a"],
        "BR-POOR",
        members=2,
        income_per_person=900_000,
        floor_area=10,
        water_source="surface",
        latrine="none",
    )
    add_household(superuser, area["a"], "BR-NEAR", income_per_person=1_400_000)
    add_household(superuser, area["a"], "BR-RICH", income_per_person=8_000_000)

    login(page, officer.username)
    page.goto("/households/rounds/")
    page.select_option("#id_commune", str(area["a"].pk))
    page.fill("#id_year", "2025")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url("**/households/rounds/*/")
    page.click("form[action$='/classify/'] button")
    page.wait_for_load_state("networkidle")
    table = page.locator("#round-results")
    assert "BR-POOR" in table.inner_text() and "Hộ nghèo" in table.inner_text()
    page.fill("#id_board_note", "Biên bản họp Ban chỉ đạo rà soát ngày 20/11/2025")
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state("networkidle")
    rnd = ReviewRound.objects.get(commune=area["a"], year=2025)
    assert rnd.status == ReviewRound.Status.SUBMITTED
    assert page.locator("form[action$='/approve/']").count() == 0  # the officer cannot approve

    page.context.clear_cookies()
    login(page, chair.username)
    page.goto(f"/households/rounds/{rnd.pk}/")
    page.fill("#id_decision", "Quyết định số 15/QĐ-UBND ngày 25/11/2025")
    page.click("form[action$='/approve/'] button")
    page.wait_for_load_state("networkidle")
    rnd.refresh_from_db()
    assert rnd.status == ReviewRound.Status.APPROVED and rnd.approved_by_id == chair.pk
    assert "Quyết định số 15/QĐ-UBND" in page.locator("main").inner_text()
    results = dict(rnd.classifications.values_list("household__code", "category"))
    assert results == {"BR-POOR": "poor", "BR-NEAR": "near_poor", "BR-RICH": "none"}
