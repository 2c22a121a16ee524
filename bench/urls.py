"""The portal's URLs plus the benchmark's limit views (served only by `bench.server_settings`)."""

from django.urls import include, path

urlpatterns = [
    path("", include("config.urls")),
]
