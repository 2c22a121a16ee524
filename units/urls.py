from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("don-vi/", views.UnitListView.as_view(), name="unit_list"),
    path("don-vi/<str:code>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("don-vi/<str:code>/xuat/", views.UnitExportView.as_view(), name="unit_export"),
    path("don-vi/<str:code>/them-ca-nhan/", views.PersonCreateView.as_view(), name="person_create"),
    path("ca-nhan/", views.PersonListView.as_view(), name="person_list"),
    path("ca-nhan/xuat/", views.PersonExportView.as_view(), name="person_export"),
    path("ca-nhan/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("ca-nhan/<int:pk>/sua/", views.PersonUpdateView.as_view(), name="person_update"),
    path("ca-nhan/<int:pk>/anh/", views.PersonPhotoView.as_view(), name="person_photo"),
    path("chon-don-vi/", views.ChooseMembershipView.as_view(), name="choose_membership"),
]
