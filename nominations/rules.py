"""Permission predicates of the nominations app. The workflow's own "who may act" lives in the
transition table (workflow.py); these cover the pages around it."""

import rules

from units.rules import is_system_admin
from units.selectors import scope_paths

from .services import EDITOR_ROLES


@rules.predicate
def drafts_somewhere(user):
    return bool(scope_paths(user, roles=EDITOR_ROLES))


rules.add_perm("nominations.import_registration", is_system_admin | drafts_somewhere)
