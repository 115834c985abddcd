"""WSGI entry point for gunicorn: `gunicorn duli.conf.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duli.conf.settings")
application = get_wsgi_application()
