"""Moving the yearly report out of `reporting` moves no row: a database migrated as on the day the
models still lived in `reporting` keeps its calls and reports, their permissions and their admin
history after `migrate`, and going back leaves them where they were."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yearly.models import ImplementationReport, ReportCall

BEFORE = [("reporting", "0005_text_limits"), ("yearly", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


# serialized_rollback: the flush after this test then leaves the content types to the next
# test's own restore; a plain flush re-created them and a later serialized test collided.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_permissions_and_history_survive_the_move(tree, make_user):
    old = migrate(BEFORE)
    OldCall = old.get_model("reporting", "ReportCall")
    OldReport = old.get_model("reporting", "ImplementationReport")
    call = OldCall.objects.create(
        unit_id=tree.commune.pk,
        year=2026,
        title="Báo cáo năm học",
        due_on=datetime.date(2026, 8, 30),
    )
    report = OldReport.objects.create(
        call_id=call.pk, unit_id=tree.school_a.pk, year=2026, direction="Kế hoạch số 12/KH-TH."
    )
    old_type = ContentType.objects.get_or_create(
        app_label="reporting", model="implementationreport"
    )
    permission = Permission.objects.get_or_create(
        content_type=old_type[0], codename="view_implementationreport", defaults={"name": "view"}
    )[0]
    viewer = make_user()
    viewer.user_permissions.add(permission)

    migrate(latest())

    ContentType.objects.clear_cache()
    moved = ImplementationReport.objects.get(pk=report.pk)
    assert (moved.call_id, moved.unit_id, moved.direction) == (
        call.pk,
        tree.school_a.pk,
        "Kế hoạch số 12/KH-TH.",
    )
    assert ReportCall.objects.get(pk=call.pk).title == "Báo cáo năm học"
    new_type = ContentType.objects.get_for_model(ImplementationReport)
    assert new_type.pk == old_type[0].pk
    assert not ContentType.objects.filter(app_label="reporting", model="implementationreport")
    viewer = type(viewer).objects.get(pk=viewer.pk)
    assert viewer.has_perm("yearly.view_implementationreport")

    OldReport = migrate(BEFORE).get_model("reporting", "ImplementationReport")
    ContentType.objects.clear_cache()
    assert OldReport.objects.get(pk=report.pk).direction == "Kế hoạch số 12/KH-TH."
    assert ContentType.objects.get(pk=new_type.pk).app_label == "reporting"
    migrate(latest())
    ContentType.objects.clear_cache()  # the next test must not meet the content types of "before"
