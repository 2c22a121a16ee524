"""The account pages under /tai-khoan/. Names stay global (`login`, `login_code`,
`account_security`, ...): LOGIN_URL, Django's auth views and the admin look them up unprefixed."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.LoginCodeView.as_view(), name="login_code"),
    path("bao-mat/", views.AccountSecurityView.as_view(), name="account_security"),
    path("bao-mat/bat/", views.TwoFactorStartView.as_view(), name="two_factor_start"),
    path("bao-mat/xac-nhan/", views.TwoFactorConfirmView.as_view(), name="two_factor_confirm"),
    path("bao-mat/tat/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("quen-mat-khau/", views.PortalPasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
