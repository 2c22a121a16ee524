"""/bao-cao-nam/…: included by reporting/urls.py, so the names live in the `reporting` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.IndexView.as_view(), name="yearly_index"),
    path("yeu-cau/tao/", views.CallCreateView.as_view(), name="yearly_call_create"),
    path("yeu-cau/<int:pk>/", views.CallOverviewView.as_view(), name="yearly_call"),
    path("yeu-cau/<int:pk>/sua/", views.CallEditView.as_view(), name="yearly_call_edit"),
    path(
        "yeu-cau/<int:pk>/don-vi/<str:code>/lap/",
        views.ReportStartView.as_view(),
        name="yearly_report_start",
    ),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="yearly_report"),
    path("<int:pk>/sua/", views.ReportEditView.as_view(), name="yearly_report_edit"),
    path("<int:pk>/gui/", views.ReportSendView.as_view(), name="yearly_report_send"),
    path("<int:pk>/tra-lai/", views.ReportReturnView.as_view(), name="yearly_report_return"),
    path("<int:pk>/bao-cao.pdf", views.ReportPdfView.as_view(), name="yearly_report_pdf"),
]
