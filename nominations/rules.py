"""Permission predicates of the nominations app (django-rules): the only place that says who may
do what to a dossier.

The transition table (workflow.py) names its actors with the predicates below and registers the
object permissions built from its rows (`nominations.change_nomination`,
`nominations.review_nomination`); the pages around the workflow use the permissions registered
here. Views ask `has_perm`, services check the same predicates.
"""

import rules

from units.enums import EDITOR_ROLES, Role
from units.rules import is_system_admin
from units.selectors import has_role_at, scope_paths


def _holds_any(user, unit, roles) -> bool:
    return unit is not None and any(has_role_at(user, unit, role) for role in roles)


# Who acts in the workflow: a role held at exactly one unit of the chain (a membership reaches
# the subtree for reading, but acting for a unit needs a role at that unit).
@rules.predicate
def is_nominating_approver(user, nomination):
    return has_role_at(user, nomination.nominating_unit, Role.APPROVER)


@rules.predicate
def is_current_approver(user, nomination):
    return has_role_at(user, nomination.current_unit, Role.APPROVER)


@rules.predicate
def is_deciding_secretary(user, nomination):
    return has_role_at(user, nomination.deciding_unit, Role.COUNCIL_SECRETARY)


@rules.predicate
def is_nominating_editor(user, nomination):
    return _holds_any(user, nomination.nominating_unit, EDITOR_ROLES)


# The pages around the workflow, for the unit the user acts for.
@rules.predicate
def edits_for_unit(user, unit):
    return _holds_any(user, unit, EDITOR_ROLES)


@rules.predicate
def approves_for_unit(user, unit):
    return _holds_any(user, unit, (Role.APPROVER,))


@rules.predicate
def is_secretary_of_unit(user, unit):
    return _holds_any(user, unit, (Role.COUNCIL_SECRETARY,))


@rules.predicate
def drafts_somewhere(user):
    return bool(scope_paths(user, roles=EDITOR_ROLES))


@rules.predicate
def reaches_a_reviewing_unit(user, nomination):
    """Internal review comments stay inside the units that reviewed: anyone whose scope reaches
    one of them reads them all; everyone else reads only the comments marked visible."""
    paths = scope_paths(user)
    if not paths:
        return False
    return any(
        review.unit.path.startswith(path)
        for review in nomination.reviews.select_related("unit")
        for path in paths
    )


@rules.predicate
def is_superuser(user):
    return user.is_superuser


rules.add_perm("nominations.import_registration", is_system_admin | drafts_somewhere)
rules.add_perm("nominations.add_nomination_for", edits_for_unit)
rules.add_perm("nominations.work_queue_of", approves_for_unit)
rules.add_perm("nominations.keep_council_of", is_secretary_of_unit)
rules.add_perm("nominations.view_internal_reviews", is_superuser | reaches_a_reviewing_unit)
# The draft decision of a deciding unit: its leader signs it, its council secretary prepares it.
rules.add_perm("nominations.draft_decision_of", approves_for_unit | is_secretary_of_unit)
