"""Permission predicates of the campaigns app."""

import rules

from units.enums import ADMIN_ROLES, EDITOR_ROLES
from units.rules import is_system_admin
from units.selectors import scope_paths, unit_in_scope


@rules.predicate
def manages_campaign(user, campaign):
    return (
        campaign is not None
        and campaign.owner_unit_id is not None
        and unit_in_scope(user, campaign.owner_unit, roles=ADMIN_ROLES)
    )


@rules.predicate
def administers_campaigns(user):
    return bool(scope_paths(user, roles=ADMIN_ROLES))


@rules.predicate
def administers_unit(user, unit):
    return unit is not None and unit_in_scope(user, unit, roles=ADMIN_ROLES)


@rules.predicate
def registers_for_unit(user, unit):
    return unit is not None and unit_in_scope(user, unit, roles=EDITOR_ROLES)


rules.add_perm("campaigns.manage_campaign", is_system_admin | manages_campaign)
rules.add_perm("campaigns.add_campaign", is_system_admin | administers_campaigns)
rules.add_perm("campaigns.create_campaign_for", is_system_admin | administers_unit)
rules.add_perm("campaigns.register", is_system_admin | registers_for_unit)
