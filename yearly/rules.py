"""Permission predicates of the yearly implementation report (django-rules).

Acting for a unit (asking for reports, writing, sending, returning) needs a role held at exactly
that unit, as in the nomination workflow: a Sở approver does not send a commune's report. Reading
is the selectors' business (yearly/selectors.py); overseeing a call is scope.
"""

import rules

from units.enums import Role
from units.rules import is_system_admin
from units.selectors import has_role_at, unit_in_scope

from .enums import EDITABLE_STATUSES, ISSUER_ROLES, SENDER_ROLES, WRITER_ROLES, ReportStatus


def _role_at(user, unit, roles) -> bool:
    return unit is not None and any(has_role_at(user, unit, role) for role in roles)


@rules.predicate
def issues_calls_at(user, unit):
    return _role_at(user, unit, ISSUER_ROLES)


@rules.predicate
def manages_call(user, call):
    return call is not None and _role_at(user, call.unit, ISSUER_ROLES)


@rules.predicate
def oversees_call(user, call):
    return call is not None and unit_in_scope(user, call.unit)


@rules.predicate
def writes_for(user, unit):
    return _role_at(user, unit, WRITER_ROLES)


@rules.predicate
def report_is_editable(user, report):
    return report is not None and report.status in EDITABLE_STATUSES


@rules.predicate
def report_is_sent(user, report):
    return report is not None and report.status == ReportStatus.SENT


@rules.predicate
def writes_report(user, report):
    return report is not None and _role_at(user, report.unit, WRITER_ROLES)


@rules.predicate
def sends_report(user, report):
    return report is not None and _role_at(user, report.unit, SENDER_ROLES)


@rules.predicate
def receives_report(user, report):
    return report is not None and _role_at(user, report.sent_to, SENDER_ROLES)


rules.add_perm("yearly.issue_report_call", issues_calls_at)  # object: the asking unit
rules.add_perm("yearly.change_report_call", manages_call)
rules.add_perm("yearly.view_report_overview", is_system_admin | oversees_call)
rules.add_perm("yearly.start_report", writes_for)  # object: the reporting unit
rules.add_perm("yearly.change_report", report_is_editable & writes_report)
rules.add_perm("yearly.send_report", report_is_editable & sends_report)
rules.add_perm("yearly.return_report", report_is_sent & receives_report)


@rules.predicate
def leads_unit(user, unit):
    """The year-end review of a unit is its leader's (an approver at exactly that unit)."""
    return _role_at(user, unit, {Role.APPROVER})


rules.add_perm("yearly.review_unit", is_system_admin | leads_unit)
