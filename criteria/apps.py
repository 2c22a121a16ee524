from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Danh hiệu, tiêu chí và thành tích")

    def ready(self):
        from . import importers  # noqa: F401  (registers the criteria and registry importers)
