"""End to end in Chromium: import → self-assess with evidence → appraise twice with an explanation →
survey points → compute → publish → the public ranking."""

import re

import pytest

from cchc.parindex import methodology, selectors, services
from cchc.parindex.models import Cycle, Entry, Methodology, Stage
from tests.browser_support import login

from .test_workflow import fill_self

pytestmark = pytest.mark.browser


def relogin(page, username):
    page.context.clear_cookies()
    login(page, username)


def submit(page, form_selector):
    page.click(f"{form_selector} button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_par_index_workflow_in_the_browser(page, settings, superuser, ministry, officers):
    settings.CCHC_JOBS_EAGER = True  # the import job runs right after the request that queued it
    # 1. Import the ministry-internal template through the upload form.
    relogin(page, "root")
    page.goto("/parindex/methodologies/")
    page.set_input_files("#id_file", str(methodology.TEMPLATE_DIR / "bo-noibo-khoi.yaml"))
    page.check("#id_allow_unavailable_metrics")
    submit(page, "form[enctype]")
    assert Methodology.objects.filter(code="BO-NOIBO-KHOI").exists()
    # 2. Create the cycle with every unit of the ministry as a subject.
    page.goto("/parindex/cycles/new/")
    page.fill("#id_code", "DV-E2E")
    page.fill("#id_name", "Chỉ số CCHC đơn vị (kiểm thử)")
    page.fill("#id_year", "2026")
    page.select_option("#id_methodology", str(Methodology.objects.get(code="BO-NOIBO-KHOI").pk))
    page.select_option("#id_owner", str(ministry["ministry"].pk))
    submit(page, "main form")
    cycle = Cycle.objects.get(code="DV-E2E")
    assert set(cycle.subjects.values_list("agency__code", flat=True)) == {
        "000.00.01.G99",
        "000.00.02.G99",
        "000.00.03.G99",
    }
    page.select_option("#id_assign-user", str(officers["appraiser"].pk))
    submit(page, "form[action$='do/assign/']")
    assert page.locator("text=Đã phân công thẩm định").count() == 1
    # 3. Cục A's officer self-assesses (most items through the services, one in the browser) and submits.
    subject = cycle.subjects.get(agency=ministry["a"])
    fill_self(officers["a"], subject)
    Entry.objects.filter(subject=subject, item__code="1.3").delete()
    relogin(page, "officer.a")
    item_url = "/parindex/cycles/DV-E2E/subjects/000.00.01.G99/items/1.3/"
    page.goto(item_url)
    page.fill("#self-points", "4")
    page.fill("#self-comment", "Báo cáo quý đầy đủ")
    submit(page, "form:has(#self-points)")
    page.fill("#id_title", "Báo cáo CCHC quý IV")
    page.fill("#id_link", "/reform/")
    submit(page, "form:has(#id_title)")
    assert page.locator("text=Báo cáo CCHC quý IV").count() == 1
    page.goto("/parindex/cycles/DV-E2E/subjects/000.00.01.G99/")
    submit(page, "form[action$='submit-self/']")
    assert page.locator("text=Đã chốt kết quả tự đánh giá").count() >= 1
    # Another unit's sheet stays hidden.
    assert page.goto("/parindex/cycles/DV-E2E/subjects/000.00.02.G99/").status == 404
    # 4. Appraisal round 1.
    relogin(page, "appraiser1")
    page.goto(item_url)
    page.fill("#appraisal1-points", "2")
    page.fill("#appraisal1-comment", "Thiếu báo cáo quý III")
    submit(page, "form:has(#appraisal1-points)")
    # 5. Explanation with new evidence, then submitted.
    relogin(page, "officer.a")
    page.goto(item_url)
    page.fill("#explanation-comment", "Bổ sung báo cáo quý III số 15/BC")
    submit(page, "form:has(#explanation-comment)")
    page.goto("/parindex/cycles/DV-E2E/subjects/000.00.01.G99/")
    submit(page, "form[action$='submit-explanation/']")
    # 6. Appraisal round 2 is final.
    relogin(page, "appraiser1")
    page.goto(item_url)
    page.fill("#appraisal2-points", "3,5")
    submit(page, "form:has(#appraisal2-points)")
    assert Entry.objects.get(subject=subject, item__code="1.3", stage=Stage.APPRAISAL2).points == 3.5
    # 7. Survey points, compute and publish by the cycle's manager.
    relogin(page, "root")
    page.goto("/parindex/cycles/DV-E2E/subjects/000.00.01.G99/items/5.3/")
    page.fill("#survey-points", "3")
    submit(page, "form:has(#survey-points)")
    page.goto("/parindex/cycles/DV-E2E/")
    submit(page, "form[action$='do/compute/']")
    submit(page, "form[action$='do/publish/']")
    assert Cycle.objects.get(code="DV-E2E").is_published
    # 8. The public sees the published ranking: Cục A 78,5 of 80 = 98,125% → 98,13% (half-up).
    page.context.clear_cookies()
    page.goto("/parindex/cycles/DV-E2E/ranking/")
    row = page.locator("tr", has_text="Cục A")
    assert re.search(r"98,13%", row.inner_text())
    assert selectors.ranking(cycle)[0].subject == subject
    assert services.stage_is_open(Cycle.objects.get(code="DV-E2E"), subject, Stage.SELF) is False
