"""The Celery app. Workers run ``celery -A backend worker``; see the README's "Background jobs".

In the embedded setup (no ``CELERY_BROKER_URL``) no worker is needed: report jobs run in a thread
of the web process (``REPORT_JOBS=thread``), through the same task function.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("incognito")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
