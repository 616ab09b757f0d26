"""A phone on a flaky network fires the same submission many times at once: one visit, always."""

import pytest

from audits.models import Answer, Visit
from tests.auditor_api.conftest import submission_body
from tests.concurrency import post_at_once


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_sent_50_times_from_8_threads_stores_exactly_one_visit(world, make_assignment):
    body = submission_body(make_assignment())

    results = post_at_once(user=world.auditor_a, url="/api/auditor/visits/", body=body, times=50, threads=8)

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    assert len({str(result) for _status, result in results}) == 1, "every response is the first result"
    assert Visit.objects.filter(uuid=body["uuid"]).count() == 1
    assert Answer.objects.filter(visit__uuid=body["uuid"]).count() == len(body["answers"])
