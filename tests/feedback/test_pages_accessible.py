"""The feedback pages pass the platform's static accessibility audit (labels, headers, one <h1>)."""

import pytest

from cchc.feedback import services
from cchc.portal.models import Notification
from tests.core.test_accessibility import audit

pytestmark = pytest.mark.django_db


def test_feedback_pages_are_accessible(client, citizen, citizen_dossier, handlers):
    conduct = services.feedback_file(
        actor=citizen, kind="conduct", dossier=citizen_dossier, subject="Thái độ", content="Nội dung"
    )
    answered = services.feedback_file(
        actor=citizen, kind="procedure", dossier=citizen_dossier, subject="Thủ tục", content="Nội dung"
    )
    services.feedback_answer(actor=handlers["leader_a"], feedback=answered, reply="Trả lời")
    assert Notification.objects.filter(user=citizen, subject__contains=answered.reference).count() == 1
    client.force_login(handlers["leader_a"])
    report = {
        url: p
        for url in [
            "/feedback/",
            "/feedback/?overdue=on",
            f"/feedback/{conduct.pk}/",
            f"/feedback/{answered.pk}/",
        ]
        if (p := audit(client, url))
    }
    body = client.get(f"/feedback/{conduct.pk}/").content.decode()
    assert 'name="verdict"' in body and 'id="answer-submit"' in body
    assert 'name="verdict"' not in client.get(f"/feedback/{answered.pk}/").content.decode()
    client.force_login(citizen)
    report.update(
        {
            url: p
            for url in ["/feedback/mine/", "/feedback/mine/new/", f"/feedback/mine/{answered.pk}/"]
            if (p := audit(client, url))
        }
    )
    assert report == {}
