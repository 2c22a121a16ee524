"""The reminder sweep every five minutes, as a beat entry admins can edit (DESIGN.md §5)."""

from django.db import migrations


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Quét nhắc hạn chót, quá hạn và thư tổng hợp tuần",
        defaults={"task": "nominations.send_reminders", "interval": every},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="nominations.send_reminders"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
