from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Tài khoản và đăng nhập")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from . import security

        # Logins, failed logins, logouts and lockouts go to the audit log.
        signals.user_logged_in.connect(security.on_logged_in, dispatch_uid="audit_login")
        signals.user_logged_out.connect(security.on_logged_out, dispatch_uid="audit_logout")
        signals.user_login_failed.connect(security.on_login_failed, dispatch_uid="audit_failed")
        user_locked_out.connect(security.on_locked_out, dispatch_uid="audit_lockout")
