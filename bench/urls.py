"""The portal's URLs plus the benchmark's limit views and trivial views (`bench/limits.py`), used
by `bench.server_settings` under load and by `bench/pages.py` in process.

The portal has no admin page for dossiers (their state changes only through the workflow
service). What a system administrator would otherwise reach for is Django's change list, so the
benchmark registers a read-only one, as an admin would configure it (the columns of the dossier
list, their relations joined, search on the folded name), on an admin site of its own at
`/_bench/quan-tri/` (the portal's class, so with the same two-factor rule; registering on the
portal's site would change `/quan-tri/` for every test that imports this module).
"""

from django.urls import include, path

from config import urls as portal_urls
from config.admin import PortalAdminSite
from core.admin import ReadOnlyAdmin
from nominations.models import Nomination

from . import limits


class BenchNominationAdmin(ReadOnlyAdmin):
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


site = PortalAdminSite(name="bench_admin")
site.register(Nomination, BenchNominationAdmin)
ADMIN_LIST = "/_bench/quan-tri/nominations/nomination/"

bench_patterns = [
    path("trivial/", limits.trivial, name="trivial"),
    path("trivial/login/", limits.trivial_login, name="trivial_login"),
    path("limit/list/", limits.nomination_list, name="limit_list"),
    path("limit/queue/", limits.queue, name="limit_queue"),
    path("limit/people/", limits.people, name="limit_people"),
    path("limit/units/", limits.units, name="limit_units"),
    path("limit/detail/<int:pk>/", limits.detail, name="limit_detail"),
    path("limit/dashboard/", limits.dashboard, name="limit_dashboard"),
    path("limit/honour/", limits.honour, name="limit_honour"),
]

urlpatterns = [
    path("_bench/quan-tri/", site.urls),
    path("_bench/", include((bench_patterns, "bench"))),
    *portal_urls.urlpatterns,
]
# The portal's error page too (a database outage is a 503), as production serves it.
handler500 = portal_urls.handler500
