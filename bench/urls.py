"""The portal's URLs plus the benchmark's limit views and trivial views (`bench/limits.py`), used
by `bench.server_settings` under load and by `bench/pages.py` in process.

The portal has no admin page for dossiers (their state changes only through the workflow
service). What a system administrator would otherwise reach for is Django's change list, so the
benchmark registers a read-only one, as an admin would configure it (the columns of the dossier
list, their relations joined, search on the folded name), to measure our pages against it.
"""

from django.contrib import admin
from django.urls import include, path

from config import urls as portal_urls
from nominations.models import Nomination

from . import limits


class BenchNominationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "nominating_unit", "round", "state", "current_unit", "updated_at"]
    list_select_related = [
        "nominee_person",
        "nominee_unit",
        "title",
        "nominating_unit",
        "round",
        "current_unit",
    ]
    list_filter = ["state", "category"]
    search_fields = ["search_text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if not admin.site.is_registered(Nomination):
    admin.site.register(Nomination, BenchNominationAdmin)

bench_patterns = [
    path("trivial/", limits.trivial, name="trivial"),
    path("trivial/login/", limits.trivial_login, name="trivial_login"),
    path("limit/list/", limits.nomination_list, name="limit_list"),
    path("limit/queue/", limits.queue, name="limit_queue"),
    path("limit/detail/<int:pk>/", limits.detail, name="limit_detail"),
    path("limit/dashboard/", limits.dashboard, name="limit_dashboard"),
    path("limit/honour/", limits.honour, name="limit_honour"),
]

urlpatterns = [
    path("_bench/", include((bench_patterns, "bench"))),
    # The admin's URLs built again, after the registration above (config.urls may have built
    # its list before it), in place of the portal's.
    *(p for p in portal_urls.urlpatterns if getattr(p, "app_name", None) != "admin"),
    path("quan-tri/", admin.site.urls),
]
# The portal's error page too (a database outage is a 503), as production serves it.
handler500 = portal_urls.handler500
