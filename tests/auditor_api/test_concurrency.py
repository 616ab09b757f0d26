"""A phone on a flaky network fires the same submission many times at once: one visit, always."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scorecards.models import Answer, Visit
from tests.auditor_api.conftest import submission_body


@pytest.mark.django_db(transaction=True)
def test_the_same_submission_sent_50_times_from_8_threads_stores_exactly_one_visit(world, make_assignment):
    body = submission_body(make_assignment())
    token = Token.objects.create(user=world.auditor_a).key

    def send(_attempt: int) -> tuple[int, object]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            response = client.post("/api/auditor/visits/", body, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(50)))

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    assert len({str(result) for _status, result in results}) == 1, "every response is the first result"
    assert Visit.objects.filter(uuid=body["uuid"]).count() == 1
    assert Answer.objects.filter(visit__uuid=body["uuid"]).count() == len(body["answers"])
