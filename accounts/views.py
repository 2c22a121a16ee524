"""Login with an optional second step, and the account security page (two-factor login).

Thin: the rules and the writes are in accounts/two_factor.py; throttling of passwords is
django-axes' (accounts/security.py), throttling of codes django-otp's. Password change and the
reset steps after the request are Django's own views (accounts/urls.py).
"""

import django_otp
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from core.audit import audit

from . import two_factor
from .forms import EnrolmentConfirmForm, LoginForm, OneTimeCodeForm, TwoFactorDisableForm
from .security import client_data, password_reset_throttled


class PortalPasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, throttled: over the limit it answers exactly as always (the
    "e-mail sent" page) and sends nothing, so it tells neither whether the account exists nor
    whether the limit was reached."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        if password_reset_throttled(self.request, form.cleaned_data["email"]):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PortalLoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.is_enrolled(user):
            # Not logged in yet: the session stays anonymous until the code is right.
            two_factor.pending_start(self.request, user, next_url=self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)


@method_decorator([sensitive_post_parameters("code"), csrf_protect, never_cache], name="dispatch")
class LoginCodeView(FormView):
    template_name = "registration/login_code.html"
    form_class = OneTimeCodeForm

    def dispatch(self, request, *args, **kwargs):
        self.user = two_factor.pending_user(request)
        if self.user is None:
            return redirect("login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        result = two_factor.verify_code(user=self.user, code=form.cleaned_data["code"])
        if result.device is not None:
            pending = two_factor.pending_finish(self.request)
            auth_login(self.request, self.user)
            django_otp.login(self.request, result.device)
            if isinstance(result.device, StaticDevice):
                left = StaticToken.objects.filter(device=result.device).count()
                messages.warning(
                    self.request,
                    _(
                        "Bạn vừa dùng một mã dự phòng; còn %(n)s mã. Khi sắp hết, hãy tắt rồi "
                        "bật lại xác thực hai bước để nhận mã mới."
                    )
                    % {"n": left},
                )
            return redirect(pending["next"])
        audit(
            actor=None,
            action="otp.failed",
            target=self.user,
            step="login",
            **client_data(self.request),
        )
        if two_factor.pending_failed(self.request):
            messages.error(
                self.request, _("Bạn đã nhập sai mã quá nhiều lần. Hãy đăng nhập lại từ đầu.")
            )
            return redirect("login")
        if result.throttled:
            form.add_error("code", _("Bạn vừa nhập sai mã. Hãy chờ vài giây rồi nhập mã mới nhất."))
        else:
            form.add_error(
                "code",
                _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trong ứng dụng xác thực."),
            )
        return self.form_invalid(form)


class SecurityMixin(LoginRequiredMixin):
    """The account security page and its actions are the user's own: offered to approvers,
    staff and system admins, and kept for anyone who has two-factor login on."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not two_factor.may_manage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class AccountSecurityView(SecurityMixin, TemplateView):
    template_name = "registration/security.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        enrolled = two_factor.is_enrolled(user)
        device = None if enrolled else two_factor.pending_device(user)
        return super().get_context_data(
            enrolled=enrolled,
            device=device,
            qr=two_factor.qr_data_uri(device) if device else "",
            secret=two_factor.secret_for_typing(device) if device else "",
            backup_left=StaticToken.objects.filter(device__user=user).count(),
            confirm_form=EnrolmentConfirmForm(),
            disable_form=TwoFactorDisableForm(),
            **kwargs,
        )


class TwoFactorStartView(SecurityMixin, View):
    def post(self, request):
        if two_factor.is_enrolled(request.user) or not two_factor.may_enrol(request.user):
            return redirect("account_security")
        two_factor.enrolment_start(user=request.user)
        return redirect("account_security")


@method_decorator([sensitive_post_parameters("code"), never_cache], name="dispatch")
class TwoFactorConfirmView(SecurityMixin, View):
    def post(self, request):
        form = EnrolmentConfirmForm(request.POST)
        if form.is_valid():
            device, codes = two_factor.enrolment_confirm(
                user=request.user, code=form.cleaned_data["code"], client=client_data(request)
            )
            if device is not None:
                django_otp.login(request, device)  # this session has just proved the code
                return render(request, "registration/security_codes.html", {"codes": codes})
        messages.error(
            request, _("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực.")
        )
        return redirect("account_security")


@method_decorator(sensitive_post_parameters("password", "code"), name="dispatch")
class TwoFactorDisableView(SecurityMixin, View):
    def post(self, request):
        form = TwoFactorDisableForm(request.POST)
        if form.is_valid() and two_factor.disable(
            user=request.user,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            client=client_data(request),
        ):
            messages.success(request, _("Đã tắt xác thực hai bước."))
        else:
            messages.error(
                request,
                _("Mật khẩu hoặc mã xác thực không đúng. Xác thực hai bước vẫn đang bật."),
            )
        return redirect("account_security")
