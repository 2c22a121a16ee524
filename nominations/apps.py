from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Hồ sơ đề nghị")

    def ready(self):
        from units.demo import register_seeder

        from . import (
            demo,
            importers,  # noqa: F401  (registers the registration-list importer)
        )

        register_seeder(demo.seed)
