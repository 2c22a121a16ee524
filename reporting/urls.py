from django.urls import path

from . import dashboard_views, public_views, views

app_name = "reporting"

urlpatterns = [
    path("bang-dieu-khien/", dashboard_views.DashboardView.as_view(), name="dashboard"),
    path(
        "bang-dieu-khien/xuat/",
        dashboard_views.DashboardExportView.as_view(),
        name="dashboard_export",
    ),
    path(
        "bang-dieu-khien/in.pdf", dashboard_views.DashboardPdfView.as_view(), name="dashboard_pdf"
    ),
    # The public honour board: no login.
    path("vinh-danh/", public_views.HonourBoardView.as_view(), name="honour_board"),
    path("vinh-danh/<int:pk>/", public_views.ExemplarView.as_view(), name="exemplar"),
    path(
        "vinh-danh/<int:pk>/anh/", public_views.ExemplarPhotoView.as_view(), name="exemplar_photo"
    ),
    path("vinh-danh/atom.xml", public_views.HonourFeed(), name="honour_feed"),
    path(
        "vinh-danh/don-vi/<str:code>/atom.xml",
        public_views.HonourFeed(),
        name="honour_unit_feed",
    ),
    path(
        "ho-so/<int:pk>/bao-cao.pdf", views.NominationReportView.as_view(), name="nomination_report"
    ),
    path(
        "dot/<int:round_pk>/don-vi/<str:code>/<slug:kind>.pdf",
        views.UnitListView.as_view(),
        name="unit_list",
    ),
    path(
        "dot/<int:round_pk>/don-vi/<str:code>/<slug:kind>.xlsx",
        views.UnitListView.as_view(),
        {"fmt": "xlsx"},
        name="unit_list_xlsx",
    ),
    path(
        "phong-trao/<str:code>/dang-ky/<str:unit_code>.<str:fmt>",
        views.RegistrationListView.as_view(),
        name="registration_list",
    ),
    path(
        "hoi-dong/<int:pk>/bien-ban.pdf", views.CouncilMinutesView.as_view(), name="council_minutes"
    ),
    path(
        "hoi-dong/<int:pk>/du-thao-quyet-dinh.<str:fmt>",
        views.DraftDecisionView.as_view(),
        name="draft_decision",
    ),
    path(
        "quyet-dinh/<int:pk>/phu-luc.pdf", views.DecisionAnnexView.as_view(), name="decision_annex"
    ),
    path(
        "ho-so/<int:pk>/goi-ho-so/", views.NominationBundleView.as_view(), name="nomination_bundle"
    ),
    path(
        "dot/<int:round_pk>/don-vi/<str:code>/goi-ho-so/",
        views.UnitBundleView.as_view(),
        name="unit_bundle",
    ),
    path("goi-ho-so/<int:pk>/", views.ExportView.as_view(), name="export"),
    path("goi-ho-so/<int:pk>/tai/", views.ExportDownloadView.as_view(), name="export_download"),
]
