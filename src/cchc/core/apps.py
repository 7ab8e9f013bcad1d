from urllib.parse import urlsplit

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cchc.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self):
        checks.register(site_url_check, "core", deploy=True)


def site_url_check(app_configs=None, **kwargs):
    """Links in e-mails must reach the platform from the reader's machine."""
    from django.conf import settings

    host = urlsplit(settings.CCHC_SITE_URL).hostname or ""
    if host in ("", "127.0.0.1", "localhost", "::1"):
        return [
            checks.Warning(
                f"CCHC_SITE_URL is {settings.CCHC_SITE_URL!r}: links in e-mails will not reach readers.",
                hint="Set CCHC_SITE_URL to the platform's public address, e.g. https://dichvucong.example.gov.vn.",
                id="core.W001",
            )
        ]
    return []
