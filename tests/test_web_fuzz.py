"""The desk's API fuzzed from its own OpenAPI document (schemathesis): whatever arrives, no 500 and no
traceback in a body. `make test` gives each operation a few examples; `make fuzz` many more."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from batchship.accounts import UserStore
from batchship.apps.web.app import create_app
from tests.deskkit import add_users, settings_for

EXAMPLES = int(os.environ.get("BATCHSHIP_FUZZ_EXAMPLES", "15"))
_ROOT = Path(tempfile.mkdtemp(prefix="batchship-fuzz-"))
atexit.register(shutil.rmtree, _ROOT, True)
SETTINGS = settings_for(_ROOT)
add_users(SETTINGS)
_store = UserStore(SETTINGS.users_file)
TOKEN = _store.new_token("dan")
_store.close()
APP = create_app(SETTINGS)
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


#: One test per operation, each with its own id (so that every operation runs, on any xdist worker).
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_request_breaks_the_api(operation: Any) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code < 500, response.text[:500]
        assert "Traceback" not in response.text and 'File "' not in response.text
        if response.status_code >= 400:
            error = response.json()["error"]
            assert error["code"] and error["message"]

    fuzz()
