import pytest

from tests.factories import UserFactory
from units import selectors
from units.enums import PEOPLE_MANAGER_ROLES, Role
from units.models import Membership

pytestmark = pytest.mark.django_db


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_school_user_sees_own_subtree_and_never_a_sibling(tree, nominator_a):
    assert codes(selectors.units_visible_to(nominator_a)) == {"TH-A", "TH-A-T1"}


def test_province_user_sees_every_unit_below_it_and_not_another_province(tree, province_admin):
    assert codes(selectors.units_visible_to(province_admin)) == {
        "SGD-DN",
        "X-HC",
        "TH-A",
        "TH-A-T1",
        "TH-B",
    }


def test_people_follow_the_unit_scope(people, nominator_a, province_admin):
    assert set(selectors.people_visible_to(nominator_a)) == {people.a, people.a_team}
    assert set(selectors.people_visible_to(province_admin)) == {people.a, people.a_team, people.b}


def test_several_memberships_see_the_union_and_nested_ones_count_once(make_user, tree):
    user = make_user(
        (tree.school_a, Role.NOMINATOR), (tree.commune, Role.VIEWER), (tree.school_c, Role.VIEWER)
    )
    assert selectors.scope_paths(user) == (tree.commune.path, tree.school_c.path)
    assert codes(selectors.units_visible_to(user)) == {"X-HC", "TH-A", "TH-A-T1", "TH-B", "THPT-C"}


def test_scope_by_role_only_counts_memberships_with_that_role(make_user, tree):
    user = make_user((tree.school_a, Role.NOMINATOR), (tree.danang, Role.VIEWER))
    managed = codes(selectors.units_visible_to(user, roles=PEOPLE_MANAGER_ROLES))
    assert managed == {"TH-A", "TH-A-T1"}
    assert "TH-B" in codes(selectors.units_visible_to(user))


def test_inactive_membership_grants_nothing(tree, nominator_a):
    Membership.objects.filter(user=nominator_a).update(is_active=False)
    assert not selectors.units_visible_to(nominator_a).exists()


def test_superuser_sees_everything_and_anonymous_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    admin = UserFactory(is_superuser=True)
    assert selectors.units_visible_to(admin).count() == 8
    assert not selectors.units_visible_to(AnonymousUser()).exists()
    assert not selectors.people_visible_to(AnonymousUser()).exists()


def test_breadcrumbs_show_only_ancestors_in_scope(tree, nominator_a, province_admin):
    assert selectors.unit_breadcrumbs(nominator_a, tree.team_a) == [tree.school_a, tree.team_a]
    assert selectors.unit_breadcrumbs(province_admin, tree.team_a) == [
        tree.danang,
        tree.commune,
        tree.school_a,
        tree.team_a,
    ]


def test_scope_is_computed_once_per_request_user(tree, nominator_a, django_assert_num_queries):
    user = type(nominator_a).objects.get(pk=nominator_a.pk)
    with django_assert_num_queries(1):
        for _ in range(5):
            selectors.unit_in_scope(user, tree.school_b)
            selectors.scope_paths(user, roles=PEOPLE_MANAGER_ROLES)


def test_level_counts_group_by_level_over_the_whole_subtree(tree):
    assert selectors.unit_level_counts(tree.danang) == {"commune": 1, "school": 2, "subunit": 1}
    assert selectors.unit_level_counts(tree.ministry) == {
        "province": 2,
        "commune": 1,
        "school": 3,
        "subunit": 1,
    }


def test_a_page_reads_the_users_roles_once(client, tree, make_user):
    """The view checks roles through request.user (lazy, wrapped twice: auth, then django-otp)
    and the navigation through `perms` (the user itself): one cache, one query."""
    from django.db import connection

    approver = make_user((tree.commune, Role.APPROVER))  # the navigation asks perms for them
    client.force_login(approver)
    client.get("/hang-cho/")
    reads = []

    def record(execute, sql, params, many, context):
        if "units_membership" in sql and "unit_id" in sql:
            reads.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get("/hang-cho/").status_code == 200
    roles = [sql for sql in reads if '"units_membership"."role" AS "role"' in sql]
    assert len(roles) == 1
