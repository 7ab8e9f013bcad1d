from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "cchc.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self):
        import importlib

        from django.conf import settings

        for module in getattr(settings, "CCHC_JOB_MODULES", []):  # job kinds an operator adds
            importlib.import_module(module)
