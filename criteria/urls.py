from django.urls import path

from . import views

app_name = "criteria"

urlpatterns = [
    path("danh-hieu/", views.TitleListView.as_view(), name="title_list"),
    path("bo-tieu-chi/", views.CriteriaSetListView.as_view(), name="criteriaset_list"),
    path("bo-tieu-chi/xuat/", views.CriteriaSetExportView.as_view(), name="criteriaset_export"),
    path("bo-tieu-chi/<int:pk>/", views.CriteriaSetDetailView.as_view(), name="criteriaset_detail"),
    path("ca-nhan/<int:pk>/thanh-tich/", views.PersonHistoryView.as_view(), name="person_history"),
    path("don-vi/<str:code>/thanh-tich/", views.UnitHistoryView.as_view(), name="unit_history"),
    path("so-thanh-tich/", views.RegistryListView.as_view(), name="registry"),
    path("so-thanh-tich/xuat/", views.RegistryExportView.as_view(), name="registry_export"),
]
