"""The organisation's brand (name, short name, logo), from settings — never hard-wired.

Ministries are merged and renamed (the 2025 reorganisation), so the deployment names itself:
CCHC_BRAND_NAME (Vietnamese), CCHC_BRAND_NAME_EN (English, optional), CCHC_BRAND_SHORT_NAME and
CCHC_BRAND_LOGO (a static path or an absolute URL of the deployment's own server). One source for
the header, footer, page titles, the login page and e-mails.
"""

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.utils import translation


@dataclass(frozen=True)
class Brand:
    name: str  # the organisation's full name in the active language
    short_name: str  # shown where space is short (page titles, phone header)
    logo_url: str


def current_brand() -> Brand:
    """The configured brand, its name in the active language (English falls back to Vietnamese)."""
    name = settings.CCHC_BRAND_NAME
    if (translation.get_language() or "").startswith("en") and settings.CCHC_BRAND_NAME_EN:
        name = settings.CCHC_BRAND_NAME_EN
    logo = settings.CCHC_BRAND_LOGO
    logo_url = logo if logo.startswith(("/", "http://", "https://")) else static(logo)
    return Brand(name=name, short_name=settings.CCHC_BRAND_SHORT_NAME, logo_url=logo_url)


def brand(request):
    """Context processor: `brand` in every template."""
    return {"brand": current_brand()}
