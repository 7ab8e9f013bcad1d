"""The annual report as a background job: the web page queues it and offers the file for download."""

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy

from cchc.core.jobs import register_job
from cchc.org.models import Agency

from .report import render


@register_job("reform.report", gettext_lazy("Annual reform report"))
def report_job(progress, *, job=None, agency: str, year: int, fmt: str, language: str = "vi") -> dict:
    name, content = render(Agency.objects.get(code=agency), int(year), fmt, language, progress)
    if job is not None:
        job.output_file.save(name, ContentFile(content), save=False)
    return {"agency": agency, "year": int(year), "format": fmt, "bytes": len(content)}
