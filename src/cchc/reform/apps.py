from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReformConfig(AppConfig):
    name = "cchc.reform"
    label = "reform"
    verbose_name = _("reform")
