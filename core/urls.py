from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("nhap/<slug:kind>/", views.ImportStartView.as_view(), name="import_start"),
    path("nhap/<slug:kind>/mau/", views.ImportTemplateView.as_view(), name="import_template"),
    path("nhap-lan/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
]
