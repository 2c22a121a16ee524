from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Đơn vị và nhân sự")

    def ready(self):
        from . import importers  # noqa: F401  (registers the unit and people importers)
