from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from units import auth_views as account_views

from . import views

auth_patterns = [
    path("dang-nhap/", account_views.PortalLoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", account_views.LoginCodeView.as_view(), name="login_code"),
    path("bao-mat/", account_views.AccountSecurityView.as_view(), name="account_security"),
    path("bao-mat/bat/", account_views.TwoFactorStartView.as_view(), name="two_factor_start"),
    path(
        "bao-mat/xac-nhan/",
        account_views.TwoFactorConfirmView.as_view(),
        name="two_factor_confirm",
    ),
    path("bao-mat/tat/", account_views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "quen-mat-khau/",
        account_views.PortalPasswordResetView.as_view(),
        name="password_reset",
    ),
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

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tai-khoan/", include(auth_patterns)),
    path("ngon-ngu/", set_language, name="set_language"),
    path("", include("units.urls")),
    path("", include("core.urls")),
    path("", include("criteria.urls")),
    path("", include("campaigns.urls")),
    path("", include("nominations.urls")),
    path("", include("reporting.urls")),
    path("bao-cao-nam/", include("yearly.urls")),
    path("", include("notifications.urls")),
    path("quan-tri/", admin.site.urls),
]
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
