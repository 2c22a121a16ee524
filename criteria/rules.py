"""Permission predicates of the criteria app."""

import rules

from units.enums import ADMIN_ROLES, LEADER_ROLES
from units.rules import is_system_admin
from units.selectors import scope_paths, unit_in_scope

# The importers' names for the shared groups.
REGISTRY_ROLES = LEADER_ROLES
CRITERIA_ROLES = ADMIN_ROLES


@rules.predicate
def keeps_registry_somewhere(user):
    return bool(scope_paths(user, roles=REGISTRY_ROLES))


@rules.predicate
def manages_criteria_somewhere(user):
    return bool(scope_paths(user, roles=CRITERIA_ROLES))


@rules.predicate
def manages_criteria_set(user, criteria_set):
    if criteria_set is None or criteria_set.owner_unit_id is None:
        return False  # national templates belong to the system administrators
    return unit_in_scope(user, criteria_set.owner_unit, roles=CRITERIA_ROLES)


rules.add_perm("criteria.import_registry", is_system_admin | keeps_registry_somewhere)
rules.add_perm("criteria.import_criteria", is_system_admin | manages_criteria_somewhere)
rules.add_perm("criteria.change_criteriaset", is_system_admin | manages_criteria_set)
