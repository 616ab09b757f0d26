import datetime as dt
import uuid

from django.utils import timezone

from audits.models import AuditorCertification
from backend import clock


def _today():
    return clock.today()


def certify(auditor, version):
    AuditorCertification.objects.get_or_create(
        auditor=auditor.auditor_profile, template=version.template, defaults={"certified_on": dt.date(2026, 1, 1)}
    )


def lunchtime(days_ago: int = 0) -> dt.datetime:
    day = _today() - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(12, 5), timezone.get_current_timezone())


def submission_body(assignment, **overrides) -> dict:
    checked_in = lunchtime()
    body = {
        "uuid": str(uuid.uuid4()),
        "assignment": assignment.pk,
        "checked_in_at": checked_in.isoformat(),
        "checked_out_at": (checked_in + dt.timedelta(minutes=30)).isoformat(),
        "location": {"latitude": "31.240100", "longitude": "121.490200", "accuracy": 12},
        "answers": [
            {"item": "fries_hot", "value": True, "comment": "hot and crisp"},
            {"item": "burger_taste", "value": 4},
            {"item": "food_safe", "value": True},
            {"item": "greeted", "value": True},
            {"item": "wait_seconds", "value": 95},
            {"item": "upsell", "na": True},
            {"item": "remarks", "value": "clean and quick"},
        ],
        "receipt": {"number": "A-0192", "amount": "38.50", "time": checked_in.isoformat()},
        "photos": [],
    }
    body.update(overrides)
    return body
