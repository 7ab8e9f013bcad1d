"""The brand (organisation name, short name, logo) comes from settings, in the header, footer and title."""

from cchc.core.branding import current_brand


def test_the_default_brand_is_neutral(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert "Lao động - Thương binh" not in page
    assert "Cơ quan hành chính nhà nước" in page
    assert "/static/cchc/brand-logo.svg" in page


def test_a_deployment_names_itself(client, db, settings):
    settings.CCHC_BRAND_NAME = "Bộ Nội vụ"
    settings.CCHC_BRAND_NAME_EN = "Ministry of Home Affairs"
    settings.CCHC_BRAND_SHORT_NAME = "BNV"
    settings.CCHC_BRAND_LOGO = "https://bnv.example/logo.svg"
    page = client.get("/accounts/login/").content.decode()
    assert "Bộ Nội vụ" in page and "· BNV</title>" in page
    assert 'src="https://bnv.example/logo.svg"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert "Ministry of Home Affairs" in page


def test_english_falls_back_to_the_vietnamese_name(settings):
    from django.utils import translation

    settings.CCHC_BRAND_NAME = "Bộ Nội vụ"
    settings.CCHC_BRAND_NAME_EN = ""
    with translation.override("en"):
        assert current_brand().name == "Bộ Nội vụ"
