"""Where the tests' PostgreSQL server is (REGISTRY_TEST_POSTGRES_URL), for conftest and the
tests that talk to the server outside a test database."""

import os

POSTGRES_URL = os.environ.get(
    "REGISTRY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
