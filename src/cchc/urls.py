"""URL map. Web pages per app; the REST API under /api/v1/<app>/ from each app's `api.urlpatterns`."""

import importlib

from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cchc.core import views as core_views
from cchc.core.api import TokenView


def _api_patterns():
    patterns = [
        path("token/", TokenView.as_view(), name="api-token"),
        path("core/", include("cchc.core.api_views")),
    ]
    for config in apps.get_app_configs():
        if not config.name.startswith("cchc."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        if getattr(module, "urlpatterns", None):
            patterns.append(path(f"{config.label}/", include(module.urlpatterns)))
    return patterns


urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("cchc.core.urls")),
    path("accounts/", include("cchc.accounts.urls")),
    path("org/", include("cchc.org.urls")),
    path("workdays/", include("cchc.workdays.urls")),
    path("procedures/", include("cchc.procedures.urls")),
    path("reform/", include("cchc.reform.urls")),
    path("onestop/", include("cchc.onestop.urls")),
    path("portal/", include("cchc.portal.urls")),
    path("feedback/", include("cchc.feedback.urls")),
    path("parindex/", include("cchc.parindex.urls")),
    path("surveys/", include("cchc.surveys.urls")),
    path("households/", include("cchc.households.urls")),
    path("martyrs/", include("cchc.martyrs.urls")),
    path("edocs/", include("cchc.edocs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(_api_patterns())),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "cchc.core.views.error_400"
handler403 = "cchc.core.views.error_403"
handler404 = "cchc.core.views.error_404"
handler500 = "cchc.core.views.error_500"
