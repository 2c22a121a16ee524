"""What the nomination pages share: the dossier a user may see, the unit they act for, the
list export, file responses."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from core.audit import audit
from core.exports import spreadsheet_response
from core.middleware import PRIVATE_CACHE_CONTROL
from units.session import active_membership

from .. import selectors
from ..exports import NominationResource
from ..models import Nomination

PAGE_SIZE = 50


def visible_nomination(request, pk) -> Nomination:
    return get_object_or_404(selectors.nominations_visible_to(request.user, pk=pk))


def acting_unit(request, role=None):
    membership = active_membership(request)
    if membership is None or (role is not None and membership.role != role):
        return None
    return membership.unit


def export_response(request, nominations, basename, title="Hồ sơ"):
    """The list as .xlsx or .csv: the rows the page shows, audited once."""
    dataset = NominationResource().export(
        queryset=nominations.select_related("decision", "nominee_person")
    )
    audit(
        actor=request.user,
        action="nomination.export",
        rows=len(dataset),
        filters={k: v for k, v in request.GET.items() if k != "export"},
    )
    return spreadsheet_response(dataset, basename=basename, fmt=request.GET["export"], title=title)


def attachment(opened, *, name, content_type):
    response = FileResponse(opened, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
