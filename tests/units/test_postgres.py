"""On PostgreSQL, subtree scoping must be an index range scan, whatever the collation."""

import io

import pytest

from units.models import Unit


def test_subtree_query_uses_the_path_index(postgres, tree):
    queryset = Unit.objects.filter(path__startswith=tree.danang.path)
    with postgres.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index" in plan, plan
    assert "units_unit_path" in plan, plan


def test_people_scope_query_is_one_statement(
    postgres, people, nominator_a, django_assert_num_queries
):
    from units.selectors import people_visible_to

    with django_assert_num_queries(2):  # the user's memberships, then the people
        assert {p.full_name for p in people_visible_to(nominator_a)} == {
            "Nguyễn Thị Ánh",
            "Lê Văn Tám",
        }


@pytest.mark.parametrize("scale", ["demo"])
def test_seed_runs_on_postgres(postgres, scale):
    from django.core.management import call_command

    call_command("seed_demo", "--scale", scale, "--no-accounts", stdout=io.StringIO())
    assert Unit.objects.find_problems() == ([], [], [], [], [])
