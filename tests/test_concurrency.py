"""Two funders writing at once over real HTTP (uvicorn): every write lands once, the ledger is
gapless and verifies, and a budget raced for by two requests is never overspent."""

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from domain_helpers import KZ_OPERATOR, NGO_KZ, NGO_UZ, NGO_UZ_2, bearer, build_world, ledger_size
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import serve
from test_awards import award_body, competition_body

from registry import auditor
from registry.core.db import Database

AWARDS_EACH = 12


def test_two_funders_writing_at_once(app: FastAPI, client: TestClient, database: Database) -> None:
    world = build_world(client, database)
    with serve(app) as base:
        fund_competition = httpx.post(
            f"{base}/api/v1/competitions", json=competition_body(), headers=bearer(world.fund)
        ).json()
        kz_competition = httpx.post(
            f"{base}/api/v1/competitions",
            json=competition_body(
                funder_id=KZ_OPERATOR, currency="KZT", budget="900000000", region="KZ-71"
            ),
            headers=bearer(world.operator),
        ).json()
        before = ledger_size(database)

        def fund_writes(n: int) -> str:
            body = award_body(
                fund_competition["id"], recipient_id=(NGO_UZ, NGO_UZ_2)[n % 2], amount="10000000"
            )
            response = httpx.post(
                f"{base}/api/v1/awards", json=body, headers=bearer(world.fund), timeout=60
            )
            assert response.status_code == 201, response.text
            return response.json()["id"]

        def operator_writes(n: int) -> str:
            body = award_body(
                kz_competition["id"],
                funder_id=KZ_OPERATOR,
                recipient_id=NGO_KZ,
                currency="KZT",
                amount=str(1000000 + n),
            )
            response = httpx.post(
                f"{base}/api/v1/awards", json=body, headers=bearer(world.operator), timeout=60
            )
            assert response.status_code == 201, response.text
            return response.json()["id"]

        with ThreadPoolExecutor(8) as pool:
            fund_ids = pool.map(fund_writes, range(AWARDS_EACH))
            operator_ids = pool.map(operator_writes, range(AWARDS_EACH))
            ids = sorted([*fund_ids, *operator_ids])
        assert len(set(ids)) == 2 * AWARDS_EACH
        assert ids == [f"AWD-2026-{n:06d}" for n in range(1, 2 * AWARDS_EACH + 1)]
        assert ledger_size(database) == before + 2 * AWARDS_EACH
        competition = httpx.get(f"{base}/api/v1/competitions/{fund_competition['id']}").json()
        assert competition["events"][0]["kind"] == "competition.published"
        client.app.state.checkpointer.sign_now()
        source = auditor.HttpSource(base)
        try:
            report = auditor.verify(source, key=client.get("/api/v1/ledger/key").text.strip())
        finally:
            source.close()
        assert report.checkpoint.size == ledger_size(database)


def test_a_budget_raced_for_is_never_overspent(
    app: FastAPI, client: TestClient, database: Database
) -> None:
    world = build_world(client, database)
    with serve(app) as base:
        competition = httpx.post(
            f"{base}/api/v1/competitions",
            json=competition_body(budget="100000000"),
            headers=bearer(world.fund),
        ).json()

        def claim(n: int) -> int:
            body = award_body(
                competition["id"], recipient_id=(NGO_UZ, NGO_UZ_2)[n % 2], amount="30000000"
            )
            return httpx.post(
                f"{base}/api/v1/awards", json=body, headers=bearer(world.fund), timeout=60
            ).status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(claim, range(8)))
        assert statuses == [201] * 3 + [422] * 5  # 3 × 30M fit in 100M; the 4th never does
        read = httpx.get(f"{base}/api/v1/competitions/{competition['id']}").json()
        assert read["budget"] == "100000000.00"
