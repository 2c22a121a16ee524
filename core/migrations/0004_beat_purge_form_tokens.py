"""The daily purge of claimed form tokens, as a beat entry admins can edit."""

from django.db import migrations


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name="Xoá mã gửi biểu mẫu cũ",
        defaults={"task": "core.purge_form_tokens", "interval": every},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="core.purge_form_tokens"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_form_token"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
