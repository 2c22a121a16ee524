"""Permission predicates of the units app (django-rules).

Views check these through `PermissionRequiredMixin` with the object fetched from a selector. The
selector already hides what the user may not see; these predicates decide what they may do.
"""

import rules

from .enums import PEOPLE_IMPORTER_ROLES, PEOPLE_MANAGER_ROLES, UNIT_IMPORTER_ROLES
from .selectors import is_unrestricted, scope_paths, unit_in_scope


@rules.predicate
def is_system_admin(user):
    return is_unrestricted(user)


@rules.predicate
def unit_is_in_scope(user, unit):
    return unit is not None and unit_in_scope(user, unit)


@rules.predicate
def person_is_in_scope(user, person):
    return person is not None and unit_in_scope(user, person.unit)


@rules.predicate
def manages_people_of_unit(user, unit):
    return unit is not None and unit_in_scope(user, unit, roles=PEOPLE_MANAGER_ROLES)


@rules.predicate
def manages_person(user, person):
    return person is not None and unit_in_scope(user, person.unit, roles=PEOPLE_MANAGER_ROLES)


@rules.predicate
def manages_people_somewhere(user):
    return bool(scope_paths(user, roles=PEOPLE_MANAGER_ROLES))


@rules.predicate
def imports_people_somewhere(user):
    return bool(scope_paths(user, roles=PEOPLE_IMPORTER_ROLES))


@rules.predicate
def imports_units_somewhere(user):
    return bool(scope_paths(user, roles=UNIT_IMPORTER_ROLES))


rules.add_perm("units.view_unit", is_system_admin | unit_is_in_scope)
rules.add_perm("units.view_person", is_system_admin | person_is_in_scope)
rules.add_perm("units.add_person", is_system_admin | manages_people_of_unit)
rules.add_perm("units.change_person", is_system_admin | manages_person)
rules.add_perm("units.manage_people", is_system_admin | manages_people_somewhere)
rules.add_perm("units.import_people", is_system_admin | imports_people_somewhere)
rules.add_perm("units.import_units", is_system_admin | imports_units_somewhere)
