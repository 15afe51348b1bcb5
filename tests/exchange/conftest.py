"""The exchange tests share the API tests' fixture: the API in-process over a real database and Temporal's
time-skipping server with a worker."""

from tests.api.conftest import api  # noqa: F401 - the fixture, shared
