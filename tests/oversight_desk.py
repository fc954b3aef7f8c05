"""The world the desk's and oversight's tests start from (``Desk``): two funders, an
admin and NGOs, an overseer's key, and a competition and an award to oversee, all written
through HTTP. The ``desk`` fixture in conftest builds one for each test; the tests that use it
import the class from here for its type and its helpers."""

from domain_helpers import (
    NGO_UZ_2,
    PUBLIC_FUND,
    World,
    award_body,
    bearer,
    build_world,
    competition_body,
    ledger_size,
)
from fastapi.testclient import TestClient

from registry.core.db import Database

OVERSEER = NGO_UZ_2
CONCLUSIONS = "/api/v1/oversight/conclusions"


class Desk:
    """The world, an overseer's key, and a competition and an award to oversee."""

    def __init__(self, client: TestClient, database: Database) -> None:
        self.client = client
        self.database = database
        self.world: World = build_world(client, database)
        issued = client.post(
            "/api/v1/keys",
            json={"role": "overseer", "organization_id": OVERSEER},
            headers=bearer(self.world.admin),
        )
        assert issued.status_code == 201, issued.text
        self.overseer = issued.json()["token"]
        self.competition = client.post(
            "/api/v1/competitions", json=competition_body(), headers=bearer(self.world.fund)
        ).json()
        self.award = client.post(
            "/api/v1/awards",
            json=award_body(self.competition["id"]),
            headers=bearer(self.world.fund),
        ).json()

    def conclusion(self, **overrides: object) -> dict:
        body = {
            "overseer_id": OVERSEER,
            "addressed_to": PUBLIC_FUND,
            "subject": {"type": "award", "id": self.award["id"]},
            "title": {"uz": "Grant hisobotlari eʼlon qilinmagan"},
            "findings": {"uz": "Yakuniy hisobot 90 kun kechikdi", "ru": "Отчёт опоздал на 90 дней"},
            "recommendations": {"uz": "Hisobotlarni portalda eʼlon qilish"},
            "attachments": [{"sha256": "ab" * 32, "size": 48213, "name": "xulosa.pdf"}],
        }
        return body | overrides

    def submit(self, **overrides: object) -> dict:
        response = self.client.post(
            CONCLUSIONS, json=self.conclusion(**overrides), headers=bearer(self.overseer)
        )
        assert response.status_code == 201, response.text
        return response.json()

    def event(self, conclusion_id: str, body: dict, token: str, status: int = 201) -> dict:
        response = self.client.post(
            f"{CONCLUSIONS}/{conclusion_id}/events", json=body, headers=bearer(token)
        )
        assert response.status_code == status, response.text
        return response.json()

    def refused(self, path: str, body: dict, token: str | None, status: int, field: str) -> dict:
        """POST, expect a problem naming ``field``, and that nothing was written."""
        before = ledger_size(self.database)
        headers = bearer(token) if token else {}
        response = self.client.post(path, json=body, headers=headers)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        if field:
            assert field in [error["field"] for error in problem["errors"]], problem
        assert ledger_size(self.database) == before
        return problem

    def get(self, conclusion_id: str) -> dict:
        response = self.client.get(f"{CONCLUSIONS}/{conclusion_id}")
        assert response.status_code == 200, response.text
        return response.json()
