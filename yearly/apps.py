from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearlyConfig(AppConfig):
    name = "yearly"
    verbose_name = _("Báo cáo kết quả thực hiện năm")

    def ready(self):
        from notifications import kinds

        from .enums import ReportNoticeKind

        kinds.register(ReportNoticeKind)
