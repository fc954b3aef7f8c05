"""FastAPI's own OpenTelemetry is off unless ``REGISTRY_TELEMETRY`` turns it on: off, no request
asks OpenTelemetry for its providers (3% of an award POST's time with none configured)."""

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace

from registry.core.settings import Settings
from registry.main import create_app


@pytest.mark.parametrize("telemetry", [False, True])
def test_requests_look_for_telemetry_providers_only_when_telemetry_is_on(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, telemetry: bool
) -> None:
    asked: list[object] = []
    provider = trace.get_tracer_provider()

    def get_tracer_provider() -> trace.TracerProvider:
        asked.append(provider)
        return provider

    monkeypatch.setattr(trace, "get_tracer_provider", get_tracer_provider)
    app = create_app(settings.model_copy(update={"telemetry": telemetry}))
    with TestClient(app) as client:
        asked.clear()  # the start-up's own look
        assert client.get("/api/v1/ledger/checkpoint").status_code == 200
    assert bool(asked) is telemetry
