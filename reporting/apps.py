from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Văn bản, báo cáo, xuất dữ liệu")

    def ready(self):
        from notifications import kinds
        from units.demo import register_seeder

        from . import dashboards, demo, honours
        from .yearly.enums import ReportNoticeKind

        dashboards.connect_signals()
        honours.connect_signals()
        register_seeder(demo.seed)
        kinds.register(ReportNoticeKind)
