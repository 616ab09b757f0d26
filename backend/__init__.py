# Loaded with Django so that ``shared_task`` decorators bind to the project's Celery app.
from backend.celery import app as celery_app

__all__ = ("celery_app",)
