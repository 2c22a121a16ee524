"""/bao-cao-nam/…: the yearly report's pages, in the `yearly` namespace."""

from django.urls import path

from . import review_views, views

app_name = "yearly"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("binh-xet/", review_views.ReviewStartView.as_view(), name="review_start"),
    path(
        "binh-xet/<str:code>/<int:year>/",
        review_views.UnitReviewView.as_view(),
        name="review",
    ),
    path("yeu-cau/tao/", views.CallCreateView.as_view(), name="call_create"),
    path("yeu-cau/<int:pk>/", views.CallOverviewView.as_view(), name="call"),
    path("yeu-cau/<int:pk>/sua/", views.CallEditView.as_view(), name="call_edit"),
    path(
        "yeu-cau/<int:pk>/don-vi/<str:code>/lap/",
        views.ReportStartView.as_view(),
        name="report_start",
    ),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("<int:pk>/sua/", views.ReportEditView.as_view(), name="report_edit"),
    path("<int:pk>/gui/", views.ReportSendView.as_view(), name="report_send"),
    path("<int:pk>/tra-lai/", views.ReportReturnView.as_view(), name="report_return"),
    path("<int:pk>/bao-cao.pdf", views.ReportPdfView.as_view(), name="report_pdf"),
]
