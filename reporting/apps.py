from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Văn bản, báo cáo, xuất dữ liệu")

    def ready(self):
        from . import dashboards, honours

        dashboards.connect_signals()
        honours.connect_signals()
