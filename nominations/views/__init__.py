"""Nomination pages by topic: dossier, transition (actions and the queue), review, council
(with its decisions), consultation. Every page starts from `nominations_visible_to`: out of scope
is a 404."""

from .consultation import (
    ConsultationListPublicView,
    ConsultationManageView,
    ConsultationPublicView,
)
from .council import CouncilDetailView, CouncilListView
from .dossier import (
    EvidenceDeleteView,
    EvidenceDownloadView,
    EvidenceUploadView,
    NominationCreateView,
    NominationDetailView,
    NominationEditView,
    NominationListView,
    NomineeSearchView,
    PhotoView,
    ReceivedTitleView,
)
from .review import ReviewView
from .transition import QueueView, TransitionView

__all__ = [
    "ConsultationListPublicView",
    "ConsultationManageView",
    "ConsultationPublicView",
    "CouncilDetailView",
    "CouncilListView",
    "EvidenceDeleteView",
    "EvidenceDownloadView",
    "EvidenceUploadView",
    "NominationCreateView",
    "NominationDetailView",
    "NominationEditView",
    "NominationListView",
    "NomineeSearchView",
    "PhotoView",
    "QueueView",
    "ReceivedTitleView",
    "ReviewView",
    "TransitionView",
]
