"""The portal's admin site (/quan-tri/): Django's, with two differences.

- Nobody logs in through the admin's own form: its login page sends to the portal's, which is
  throttled (django-axes) and asks for the two-factor code of enrolled users.
- With OTP_REQUIRED_FOR_ADMIN, staff reach the admin only from a session verified with a code;
  a staff member who has not enrolled is sent to "Bảo mật tài khoản" to do so.
"""

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.two_factor import admin_otp_satisfied, is_enrolled


class PortalAdminSite(AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and admin_otp_satisfied(request.user)

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = index
        if not request.user.is_authenticated:
            return redirect_to_login(target)
        if self.has_permission(request):
            return redirect(target)
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        if is_enrolled(request.user):
            # Enrolled, but this session began without the code (enrolment came later, or in
            # another browser): log in again, this time with the code.
            logout(request)
            return redirect_to_login(target)
        messages.warning(
            request,
            _(
                "Trang quản trị hệ thống yêu cầu xác thực hai bước. Hãy bật xác thực hai bước "
                "ở đây, rồi mở lại trang quản trị."
            ),
        )
        return redirect("account_security")
