from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Hồ sơ đề nghị")

    def ready(self):
        from . import importers  # noqa: F401  (registers the registration-list importer)
