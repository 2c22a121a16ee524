"""The Celery application.

Configuration comes from Django settings (prefix CELERY_). Without REDIS_URL the settings make
Celery run tasks eagerly in-process, so the portal works on a laptop with nothing else running.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("thidua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
