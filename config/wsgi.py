"""WSGI entry point for gunicorn: `gunicorn config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# A web worker starting again is often one killed mid-render (gunicorn's timeout): sweep the
# WeasyPrint temp folders such deaths leave, as every render also does.
from reporting.documents import sweep_font_folders  # noqa: E402  (needs the apps loaded)

sweep_font_folders()
