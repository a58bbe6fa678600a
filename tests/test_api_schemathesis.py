"""schemathesis against the API's own OpenAPI schema, in the suite (#13 §3): generated requests for every
operation, with an HQ token and a district token, bounded in examples; no answer may be a server error or
differ from what the schema documents (status code, content type, body)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import City

# The schema exactly as /api/v1/schema serves it (generated in-process: the endpoint itself needs a sign-in).
RAW = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
schema = schemathesis.openapi.from_dict(RAW)
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation and role: bounded, so the suite stays quick. The examples are derandomised (the same every
# run, so CI is not flaky); SCHEMATHESIS_EXPLORE=1 explores new ones, SCHEMATHESIS_EXAMPLES raises the count.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("SCHEMATHESIS_EXPLORE") != "1"


@pytest.fixture(autouse=True)
def _same_connection() -> Iterator[None]:
    """Calls go to the WSGI application in this thread; like Django's test client, keep its request signals
    from closing the test's database connection (which would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["hq", "district"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE, database=None)
def test_api_answers_as_documented(case: Any, role: str, city: City) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {city.token(role)}"}, checks=CHECKS)
