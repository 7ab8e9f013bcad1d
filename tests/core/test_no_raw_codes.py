"""No raw codes in the Vietnamese UI: the main pages of a few demo accounts, rendered in
Vietnamese, show audit actions, job kinds, metrics, time units, poverty standards and e-form
fields by their names, never by the identifiers stored in the database."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cchc.core.audit import EVENT_TYPES
from cchc.core.jobs import JOB_LABELS, job_enqueue
from cchc.core.metrics import METRICS

pytestmark = pytest.mark.django_db

# Identifiers deliberately shown as such are set in <code> (file column names, question variables,
# metrics no module supplies yet); everything else a person reads must be words.
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


def visible_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|svg|code|kbd|pre)[^>]*>.*?</\1>", " ", body)
    body = re.sub(r"(?is)<select[^>]*>.*?</select>", " ", body)  # option values are not shown
    body = re.sub(r"(?s)<[^>]+>", "\n", body)
    return html.unescape(body)


def pages(username: str) -> list[str]:
    from cchc.onestop.models import Dossier
    from cchc.parindex.models import Methodology

    dossier = Dossier.objects.exclude(form_data={}).exclude(procedure_version=None).order_by("pk").first()
    methodology = Methodology.objects.filter(items__metric__gt="").order_by("pk").first()
    return {
        "admin": [
            "/dashboard/",
            "/audit/",
            f"/parindex/methodologies/{methodology.code}/",
            f"/onestop/d/{dossier.pk}/",
            "/surveys/",
        ],
        "clerk": ["/dashboard/", f"/onestop/d/{dossier.pk}/"],
        "poverty": ["/households/", "/households/standards/"],
        "reform.officer": ["/dashboard/", "/surveys/", "/parindex/methodologies/"],
    }[username]


def test_demo_pages_show_names_not_codes(client, demo_data):
    from cchc.households.models import PovertyStandard
    from cchc.procedures.models import TimeUnit

    call_command("i18n_compile", verbosity=0)
    raw = (
        set(EVENT_TYPES)
        | set(JOB_LABELS)
        | set(METRICS)
        | {u.value for u in TimeUnit if "_" in u.value}
        | set(PovertyStandard.objects.values_list("code", flat=True))
    )
    for username in ("admin", "clerk", "poverty", "reform.officer"):
        user = get_user_model().objects.get(username=username)
        job = job_enqueue("reform.report", actor=user, params={})
        client.force_login(user)
        for url in [*pages(username), f"/jobs/{job.pk}/"]:
            check_page(client, url, raw)


def check_page(client, url, raw):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200, url
    text = visible_text(response.content.decode())
    shown = sorted(code for code in raw if re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text))
    assert not shown, f"{url} shows raw codes {shown}"
    identifiers = sorted(set(SNAKE.findall(text)))
    assert not identifiers, f"{url} shows identifiers {identifiers}"
    assert "(version " not in text and "working days" not in text, url


def test_jobs_store_vietnamese_text_outside_a_request(superuser, ministry):
    """A job run by the worker after an English request still writes its texts in Vietnamese."""
    from django.utils import translation

    from cchc.core.jobs import register_job, run_pending_jobs
    from cchc.core.models import Job

    @register_job("tests.language")
    def language_job(progress, job=None):
        from django.utils.translation import gettext

        return {"language": translation.get_language(), "text": gettext("Before")}

    job = job_enqueue("tests.language", actor=superuser)
    with translation.override("en"):
        run_pending_jobs(limit=1)
    job = Job.objects.get(pk=job.pk)
    assert job.result == {"language": "vi", "text": "Trước"}
