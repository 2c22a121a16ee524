"""The yearly report's models move here from `reporting` with their tables: the state gains
them, the database is not touched (reporting 0006 drops them from its state the same way).
The content types are renamed rather than recreated, so the permissions granted on them and
the admin history that points at them follow the models."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["reportcall", "implementationreport"]


def move_content_types(apps, schema_editor, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    taken = set(
        ContentType.objects.using(db)
        .filter(app_label=target, model__in=MODELS)
        .values_list("model", flat=True)
    )
    ContentType.objects.using(db).filter(app_label=source, model__in=MODELS).exclude(
        model__in=taken
    ).update(app_label=target)


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source="reporting", target="yearly")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source="yearly", target="reporting")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reporting", "0005_text_limits"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("units", "0002_person_name_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReportCall",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                help_text="Năm kết thúc năm học: 2026 là năm học 2025 - 2026.",
                                verbose_name="năm học",
                            ),
                        ),
                        ("title", models.CharField(max_length=255, verbose_name="tên báo cáo")),
                        ("due_on", models.DateField(verbose_name="hạn gửi")),
                        (
                            "instructions",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(5000)],
                                verbose_name="hướng dẫn",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="report_calls",
                                to="units.unit",
                                verbose_name="đơn vị yêu cầu",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "yêu cầu báo cáo năm",
                        "verbose_name_plural": "yêu cầu báo cáo năm",
                        "db_table": "reporting_reportcall",
                        "ordering": ["-year", "unit__path"],
                    },
                ),
                migrations.CreateModel(
                    name="ImplementationReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(verbose_name="năm học")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Đang soạn"),
                                    ("sent", "Đã gửi"),
                                    ("returned", "Bị trả lại để bổ sung"),
                                ],
                                db_index=True,
                                default="draft",
                                max_length=8,
                                verbose_name="trạng thái",
                            ),
                        ),
                        (
                            "number",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="số, ký hiệu văn bản"
                            ),
                        ),
                        (
                            "direction",
                            models.TextField(
                                blank=True, verbose_name="công tác chỉ đạo, triển khai thực hiện"
                            ),
                        ),
                        (
                            "propagation",
                            models.TextField(
                                blank=True,
                                verbose_name="kết quả tuyên truyền, nhân rộng điển hình tiên tiến",
                            ),
                        ),
                        (
                            "difficulties",
                            models.TextField(
                                blank=True, verbose_name="hạn chế, khó khăn, vướng mắc"
                            ),
                        ),
                        (
                            "proposals",
                            models.TextField(blank=True, verbose_name="đề xuất, kiến nghị"),
                        ),
                        (
                            "signer_title",
                            models.CharField(
                                blank=True, max_length=128, verbose_name="chức danh người ký"
                            ),
                        ),
                        (
                            "signer_name",
                            models.CharField(
                                blank=True, max_length=150, verbose_name="họ và tên người ký"
                            ),
                        ),
                        (
                            "snapshot",
                            models.JSONField(
                                blank=True, default=dict, editable=False, verbose_name="bản đã gửi"
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1)),
                        (
                            "send_count",
                            models.PositiveSmallIntegerField(default=0, verbose_name="số lần gửi"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="gửi lúc"),
                        ),
                        (
                            "first_sent_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="gửi lần đầu lúc"
                            ),
                        ),
                        (
                            "returned_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="trả lại lúc"),
                        ),
                        (
                            "return_reason",
                            models.TextField(
                                blank=True,
                                validators=[django.core.validators.MaxLengthValidator(5000)],
                                verbose_name="lý do trả lại",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "returned_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="người trả lại",
                            ),
                        ),
                        (
                            "sent_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="người gửi",
                            ),
                        ),
                        (
                            "sent_to",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="received_implementation_reports",
                                to="units.unit",
                                verbose_name="gửi đến",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="implementation_reports",
                                to="units.unit",
                                verbose_name="đơn vị báo cáo",
                            ),
                        ),
                        (
                            "call",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reports",
                                to="yearly.reportcall",
                                verbose_name="yêu cầu báo cáo",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "báo cáo kết quả thực hiện năm",
                        "verbose_name_plural": "báo cáo kết quả thực hiện năm",
                        "db_table": "reporting_implementationreport",
                        "ordering": ["-year", "unit__path"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="reportcall",
                    constraint=models.UniqueConstraint(
                        fields=("unit", "year"), name="report_call_once_a_year"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="implementationreport",
                    constraint=models.UniqueConstraint(
                        fields=("unit", "year"), name="implementation_report_once"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="implementationreport",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status", "sent"), _negated=True),
                            models.Q(("sent_at__isnull", False), ("sent_to__isnull", False)),
                            _connector="OR",
                        ),
                        name="implementation_report_sent_has_when_and_where",
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
