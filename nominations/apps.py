from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "nominations"
    verbose_name = _("Hồ sơ đề nghị")

    def ready(self):
        from notifications import kinds

        from . import (
            importers,  # noqa: F401  (registers the registration-list importer)
            workflow,  # noqa: F401  (registers the object permissions of the table's stages)
        )
        from .enums import NoticeKind

        kinds.register(NoticeKind)
