"""What the nomination pages share: the dossier a user may see, the unit they act for, file
responses."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from core.middleware import PRIVATE_CACHE_CONTROL
from units.session import active_membership

from .. import selectors
from ..models import Nomination


def visible_nomination(request, pk) -> Nomination:
    return get_object_or_404(selectors.nominations_visible_to(request.user, pk=pk))


def acting_unit(request, role=None):
    membership = active_membership(request)
    if membership is None or (role is not None and membership.role != role):
        return None
    return membership.unit


def attachment(opened, *, name, content_type):
    response = FileResponse(opened, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
