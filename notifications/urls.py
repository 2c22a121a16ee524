from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("thong-bao/", views.InboxView.as_view(), name="inbox"),
    path("thong-bao/<int:pk>/", views.OpenView.as_view(), name="open"),
    path("thong-bao/da-doc/", views.MarkAllReadView.as_view(), name="mark_all_read"),
    path("thong-bao/tuy-chon/", views.PreferenceView.as_view(), name="preferences"),
]
