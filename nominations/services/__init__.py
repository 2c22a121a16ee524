"""Every write to nominations, by topic: the dossier, the transition (the only writer of a
dossier's state), reviews, the council, decisions, public consultation.

Other apps import from here; inside nominations, import from the topic module. The reads that
used to live here are re-exported for the other apps' code until they import them from
`nominations.selectors` and `nominations.guards`.
"""

from ..guards import consultation_problems, content_problems
from ..progress import quota_used
from ..selectors import (
    council_result,
    duplicates_of,
    eligibility,
    eligibility_summary,
    received_titles,
)
from .base import TransitionError
from .consultation import consultation_comment_add, consultation_publish
from .council import council_session_create, council_vote_record, vote_passes
from .decision import decide
from .dossier import (
    can_edit,
    cv_from,
    evidence_add,
    evidence_remove,
    nomination_create,
    nomination_update,
    received_title_add,
    record_bundled,
    record_download,
    refresh_eligibility,
)
from .review import review_save
from .transition import transition, transition_many

__all__ = [
    "TransitionError",
    "can_edit",
    "consultation_comment_add",
    "consultation_problems",
    "consultation_publish",
    "content_problems",
    "council_result",
    "council_session_create",
    "council_vote_record",
    "cv_from",
    "decide",
    "duplicates_of",
    "eligibility",
    "eligibility_summary",
    "evidence_add",
    "evidence_remove",
    "nomination_create",
    "nomination_update",
    "quota_used",
    "received_title_add",
    "received_titles",
    "record_bundled",
    "record_download",
    "refresh_eligibility",
    "review_save",
    "transition",
    "transition_many",
    "vote_passes",
]
