"""Writing through the API as funders and admins do, for the domain tests."""

from dataclasses import dataclass

from fastapi.testclient import TestClient

from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Role
from registry.core.db import Database
from registry.ledger import service as ledger_service

PUBLIC_FUND = "UZ-STIR-207050449"
MINISTRY = "UZ-STIR-201122919"
KZ_OPERATOR = "KZ-BIN-050140000656"
NGO_UZ = "UZ-STIR-306581234"
NGO_UZ_2 = "UZ-STIR-307770001"
NGO_KZ = "KZ-BIN-120240012341"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def ledger_size(database: Database) -> int:
    with database.session() as session:
        return ledger_service.size(session)


def issue_key(database: Database, role: Role, organization_id: str | None = None) -> str:
    with database.session(write=True) as session:
        return auth_service.create_key(
            session, actor=SYSTEM_ACTOR, role=role, organization_id=organization_id
        ).token


def organization(
    org_id: str, kind: str, *, uz: str, ru: str | None = None, region: str | None = None
) -> dict:
    name = {"uz": uz} | ({"ru": ru} if ru else {})
    return {"org_id": org_id, "name": name, "kind": kind, "region": region}


@dataclass
class World:
    """Two funders with their keys, an admin, and a few NGOs, all registered through HTTP."""

    admin: str
    fund: str
    ministry: str
    operator: str


def build_world(client: TestClient, database: Database) -> World:
    admin = issue_key(database, Role.ADMIN)
    for body in (
        organization(
            PUBLIC_FUND,
            "public_fund",
            uz="Fuqarolik jamiyati institutlarini qoʻllab-quvvatlash jamoat fondi",
            ru="Общественный фонд поддержки институтов гражданского общества",
            region="UZ",
        ),
        organization(
            MINISTRY,
            "state_body",
            uz="Oʻzbekiston Respublikasi Yoshlar ishlari agentligi",
            region="UZ-TK",
        ),
        organization(
            KZ_OPERATOR,
            "grant_operator",
            uz="Fuqarolik tashabbuslarini qoʻllab-quvvatlash markazi",
            ru="НАО «Центр поддержки гражданских инициатив»",
            region="KZ-71",
        ),
        organization(
            NGO_UZ, "ngo", uz="«Mehr-shafqat» nodavlat notijorat tashkiloti", region="UZ-SA"
        ),
        organization(NGO_UZ_2, "ngo", uz="«Yosh ekologlar» jamiyati", region="UZ-TO"),
        organization(NGO_KZ, "ngo", uz="«Dala» jamoat birlashmasi", ru="ОО «Дала»", region="KZ-75"),
    ):
        response = client.post("/api/v1/organizations", json=body, headers=bearer(admin))
        assert response.status_code == 201, response.text
    return World(
        admin=admin,
        fund=issue_key(database, Role.FUNDER, PUBLIC_FUND),
        ministry=issue_key(database, Role.FUNDER, MINISTRY),
        operator=issue_key(database, Role.FUNDER, KZ_OPERATOR),
    )


def competition_body(**overrides) -> dict:
    body = {
        "funder_id": PUBLIC_FUND,
        "instrument": "grant",
        "year": 2026,
        "round_number": 4,
        "title": {
            "uz": "Yoshlar tashabbuslarini qoʻllab-quvvatlash",
            "ru": "Поддержка молодёжных инициатив",
        },
        "description": {"uz": "Toʻrtinchi grant tanlovi"},
        "themes": ["youth", "ecology"],
        "budget": "1000000000",
        "currency": "UZS",
        "window": {"opens": "2026-01-10T09:00:00+05:00", "closes": "2026-02-10T18:00:00+05:00"},
        "region": "UZ",
        "legal_basis": "UP-124 of 26.08.2024",
    }
    return body | overrides


def award_body(competition_id: str | None, **overrides) -> dict:
    body = {
        "funder_id": PUBLIC_FUND,
        "recipient_id": NGO_UZ,
        "competition_id": competition_id,
        "instrument": "grant",
        "title": {"uz": "Ekologik maktab loyihasi"},
        "amount": "300000000.00",
        "currency": "UZS",
        "award_date": "2026-03-01",
        "period": {"start": "2026-03-15", "end": "2026-12-31"},
        "themes": ["ecology"],
    }
    return body | overrides
