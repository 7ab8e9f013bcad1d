"""In a real browser: the citizen sends a complaint from their dossier page, the unit's leader upholds
it with a reply, the citizen reads the answer."""

import pytest

from cchc.feedback.models import Feedback
from cchc.onestop.models import Dossier
from tests.browser_support import login

pytestmark = pytest.mark.browser


def test_complaint_from_the_dossier_page_to_the_answer(page, citizen, citizen_dossier, handlers):
    login(page, citizen.username)
    page.goto("/portal/dossiers/")
    page.click(f"text={citizen_dossier.code}")
    page.click("#feedback-link")
    page.check("input[name=kind][value=conduct]")
    page.fill("#id_subject", "Cán bộ không hướng dẫn")
    page.fill("#id_content", "Tôi hỏi nhưng không được hướng dẫn thành phần hồ sơ.")
    page.click("#feedback-submit")
    page.wait_for_load_state("networkidle")
    fb = Feedback.objects.get()
    assert fb.dossier_id == citizen_dossier.pk and page.url.endswith(f"/feedback/mine/{fb.pk}/")

    page.context.clear_cookies()
    login(page, "leader_a")
    page.goto("/feedback/?overdue=")
    page.click(f"text={fb.reference}")
    page.select_option("#id_verdict", "upheld")
    page.fill("#id_reply", "Phản ánh đúng; đơn vị đã chấn chỉnh và xin lỗi ông/bà.")
    page.click("#answer-submit")
    page.wait_for_load_state("networkidle")
    assert Dossier.objects.get(pk=citizen_dossier.pk).conduct_complaints_upheld == 1

    page.context.clear_cookies()
    login(page, citizen.username)
    page.goto(f"/feedback/mine/{fb.pk}/")
    assert "đã chấn chỉnh" in page.locator("#feedback-reply").inner_text()
