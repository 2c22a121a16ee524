from django.urls import path

from . import views

app_name = "nominations"

urlpatterns = [
    path("ho-so/", views.NominationListView.as_view(), name="list"),
    path("ho-so/tao/", views.NominationCreateView.as_view(), name="create"),
    path("ho-so/tao/tim-nguoi/", views.NomineeSearchView.as_view(), name="nominee_search"),
    path("ho-so/<int:pk>/", views.NominationDetailView.as_view(), name="detail"),
    path("ho-so/<int:pk>/sua/", views.NominationEditView.as_view(), name="edit"),
    path(
        "ho-so/<int:pk>/thuc-hien/<slug:action>/", views.TransitionView.as_view(), name="transition"
    ),
    path("ho-so/<int:pk>/cham-diem/", views.ReviewView.as_view(), name="review"),
    path("ho-so/<int:pk>/anh/", views.PhotoView.as_view(), name="photo"),
    path(
        "ho-so/<int:pk>/khen-thuong-da-nhan/",
        views.ReceivedTitleView.as_view(),
        name="received_title",
    ),
    path("ho-so/<int:pk>/minh-chung/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path(
        "ho-so/<int:pk>/minh-chung/<int:evidence_pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path(
        "ho-so/<int:pk>/minh-chung/<int:evidence_pk>/go/",
        views.EvidenceDeleteView.as_view(),
        name="evidence_delete",
    ),
    path("hang-cho/", views.QueueView.as_view(), name="queue"),
    path("hoi-dong/", views.CouncilListView.as_view(), name="council_list"),
    path("hoi-dong/<int:pk>/", views.CouncilDetailView.as_view(), name="council_detail"),
    path(
        "lay-y-kien/cong-khai/", views.ConsultationManageView.as_view(), name="consultation_manage"
    ),
    path("lay-y-kien/", views.ConsultationListPublicView.as_view(), name="consultation_list"),
    path(
        "lay-y-kien/<int:pk>/", views.ConsultationPublicView.as_view(), name="consultation_public"
    ),
]
