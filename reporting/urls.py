from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path(
        "ho-so/<int:pk>/bao-cao.pdf", views.NominationReportView.as_view(), name="nomination_report"
    ),
    path(
        "dot/<int:round_pk>/don-vi/<str:code>/<slug:kind>.pdf",
        views.UnitListView.as_view(),
        name="unit_list",
    ),
    path(
        "hoi-dong/<int:pk>/bien-ban.pdf", views.CouncilMinutesView.as_view(), name="council_minutes"
    ),
    path(
        "quyet-dinh/<int:pk>/phu-luc.pdf", views.DecisionAnnexView.as_view(), name="decision_annex"
    ),
]
