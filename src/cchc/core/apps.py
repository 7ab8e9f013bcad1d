from urllib.parse import urlsplit

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cchc.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self):
        checks.register(audit_key_check, "security", deploy=True)
        checks.register(site_url_check, "security", deploy=True)
        import importlib

        from django.conf import settings

        for module in getattr(settings, "CCHC_JOB_MODULES", []):  # job kinds an operator adds
            importlib.import_module(module)


AUDIT_KEY_MIN_LENGTH = 32


def audit_key_check(app_configs=None, **kwargs):
    """Refuse to deploy with the public demo key of the audit chain (or a short one)."""
    from django.conf import settings

    key = settings.CCHC_AUDIT_KEY
    if key == settings.DEMO_AUDIT_KEY:
        return [
            checks.Error(
                "The audit log is chained with the public demo key: anyone with database access "
                "can rewrite it and re-chain it.",
                hint="Set CCHC_AUDIT_KEY to a random secret of 32 or more characters, kept outside "
                "the database (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`).",
                id="core.E001",
            )
        ]
    if len(key) < AUDIT_KEY_MIN_LENGTH:
        return [
            checks.Warning(
                f"CCHC_AUDIT_KEY is shorter than {AUDIT_KEY_MIN_LENGTH} characters.",
                hint="Use a random secret of 32 or more characters.",
                id="core.W001",
            )
        ]
    return []


def site_url_check(app_configs=None, **kwargs):
    """Links in e-mails (password reset, notifications) need the platform's public address."""
    from django.conf import settings

    url = settings.CCHC_SITE_URL
    if not url.startswith("https://") or (urlsplit(url).hostname or "") in ("localhost", "127.0.0.1", "::1"):
        return [
            checks.Warning(
                f"CCHC_SITE_URL is {url!r}: links in e-mails (password reset, notifications) must use "
                "the platform's public https:// address to reach their readers.",
                hint="Set CCHC_SITE_URL to the platform's public address, e.g. https://dichvucong.example.gov.vn.",
                id="core.W002",
            )
        ]
    return []
