from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("phong-trao/", views.CampaignListView.as_view(), name="list"),
    path("phong-trao/tao/", views.CampaignCreateView.as_view(), name="create"),
    path("phong-trao/<str:code>/", views.CampaignDetailView.as_view(), name="detail"),
    path("phong-trao/<str:code>/sua/", views.CampaignUpdateView.as_view(), name="update"),
    path("phong-trao/<str:code>/tieu-chi/", views.CriteriaView.as_view(), name="criteria"),
    path("phong-trao/<str:code>/giai-doan/", views.PhaseView.as_view(), name="phase"),
    path("phong-trao/<str:code>/dieu-kien/", views.CampaignRuleView.as_view(), name="rule"),
    path(
        "phong-trao/<str:code>/dieu-kien/<int:pk>/bo/",
        views.CampaignRuleDeleteView.as_view(),
        name="rule_delete",
    ),
    path("phong-trao/<str:code>/dot/them/", views.RoundCreateView.as_view(), name="round_create"),
    path("phong-trao/<str:code>/dot/theo-quy/", views.QuarterlyView.as_view(), name="quarterly"),
    path(
        "phong-trao/<str:code>/dot/<int:pk>/sua/",
        views.RoundUpdateView.as_view(),
        name="round_update",
    ),
    path(
        "phong-trao/<str:code>/dot/<int:pk>/xoa/",
        views.RoundDeleteView.as_view(),
        name="round_delete",
    ),
    path("phong-trao/<str:code>/chi-tieu/", views.QuotaView.as_view(), name="quota"),
    path("phong-trao/<str:code>/gia-han/", views.ExtensionView.as_view(), name="extension"),
    path("phong-trao/<str:code>/chuoi-xet/", views.ChainView.as_view(), name="chain"),
    path("phong-trao/<str:code>/mo/", views.OpenView.as_view(), name="open"),
    path("phong-trao/<str:code>/ket-thuc/", views.CloseView.as_view(), name="close"),
    path("phong-trao/<str:code>/dang-ky/", views.RegistrationView.as_view(), name="registrations"),
]
