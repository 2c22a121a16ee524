from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tai-khoan/", include("accounts.urls")),
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
