"""Risk indicators: each on and off at its threshold (pure facts), and through the API on both
databases: explained, resting on ledger seqs that exist, filtered like a search, summarised by
funder and recipient, and shown on the award page as indicators to look into."""

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from domain_helpers import NGO_UZ, NGO_UZ_2, PUBLIC_FUND, World, build_world
from fastapi.testclient import TestClient
from test_awards import award_body, competition_body, create_competition, post

from registry.auth.principal import Principal, Role
from registry.awards.models import Award
from registry.competitions import service as competition_service
from registry.competitions.models import Competition
from registry.competitions.schemas import CompetitionCreate
from registry.core import clock
from registry.core.db import Database
from registry.core.settings import Settings
from registry.demo import SAMARQAND_KHOKIMIYAT
from registry.risks.indicators import (
    AwardFacts,
    Case,
    CompetitionFacts,
    Facts,
    Indicator,
    OrganizationFacts,
    Thresholds,
    flags,
)
from registry.risks.service import _local_day, recorded, thresholds
from registry.web import i18n, risk_pages
from registry.web.i18n import BY_CODE, LANGUAGES

FUND = "UZ-STIR-207050449"
OTHER = "UZ-STIR-201122919"
CAP = 412_000_000_00  # 1,000 × BRV from 1 August 2025, in tiyin
TASHKENT = timezone(timedelta(hours=5))
LIMITS = Thresholds()


def award(n: int, **overrides: Any) -> AwardFacts:
    base = AwardFacts(
        id=f"AWD-2026-{n:06d}",
        funder_id=FUND,
        recipient_id=f"UZ-STIR-30000000{n % 10}",
        competition_id=None,
        currency="UZS",
        amount_minor=100_000_000_00,
        original_amount_minor=100_000_000_00,
        award_date=date(2026, 3, 1),
        published_on=date(2026, 3, 2),
        published_seq=100 + n,
        award_before_close=None,
    )
    return replace(base, **overrides)


def competition(cid: str, **overrides: Any) -> CompetitionFacts:
    base = CompetitionFacts(
        id=cid,
        funder_id=FUND,
        year=2026,
        opens_on=date(2026, 1, 10),
        closes_on=date(2026, 2, 10),
        published_seq=10,
        applications=None,
        admitted=None,
    )
    return replace(base, **overrides)


def raised(
    awards: list[AwardFacts],
    competitions: list[CompetitionFacts] = (),  # type: ignore[assignment]
    organizations: list[OrganizationFacts] = (),  # type: ignore[assignment]
    limits: Thresholds = LIMITS,
) -> dict[str, set[Indicator]]:
    facts = Facts(
        awards=awards,
        competitions={c.id: c for c in competitions},
        organizations={o.org_id: o for o in organizations},
    )
    found: dict[str, set[Indicator]] = {}
    for flag in flags(facts, limits):
        found.setdefault(flag.award_id, set()).add(flag.indicator)
        assert flag.explanation
        assert flag.seqs
    return found


def has(found: dict[str, set[Indicator]], award_id: str, indicator: Indicator) -> bool:
    return indicator in found.get(award_id, set())


def test_near_direct_cap_starts_at_90_percent_of_1000_brv() -> None:
    at = award(1, amount_minor=CAP * 9 // 10)
    below = award(2, amount_minor=CAP * 9 // 10 - 1)
    found = raised([at, below])
    assert has(found, at.id, Indicator.NEAR_DIRECT_CAP)
    assert not has(found, below.id, Indicator.NEAR_DIRECT_CAP)
    # A competition's award and a Kazakh funder's are not direct Uzbek awards.
    assert not raised([award(3, amount_minor=CAP, competition_id="CMP-1")], [competition("CMP-1")])
    kz = award(4, amount_minor=CAP, funder_id="KZ-BIN-050140000656", currency="KZT")
    assert not has(raised([kz]), kz.id, Indicator.NEAR_DIRECT_CAP)
    flag = next(f for f in flags(Facts([at], {}, {}), LIMITS) if f.award_id == at.id)
    assert "90% of the cap of 1,000 × BRV (412000000.00 UZS on 2026-03-01)" in flag.explanation


def test_split_direct_awards_within_12_months_above_the_cap() -> None:
    recipient = "UZ-STIR-306581234"
    first = award(1, recipient_id=recipient, amount_minor=CAP // 2, award_date=date(2025, 9, 1))
    second = award(
        2, recipient_id=recipient, amount_minor=CAP // 2 + 1, award_date=date(2026, 8, 1)
    )
    found = raised([first, second])
    assert has(found, first.id, Indicator.SPLIT_DIRECT_AWARDS)
    assert has(found, second.id, Indicator.SPLIT_DIRECT_AWARDS)
    exactly = replace(second, amount_minor=CAP // 2)  # the total is the cap: not above it
    assert not has(raised([first, exactly]), first.id, Indicator.SPLIT_DIRECT_AWARDS)
    later = replace(second, award_date=date(2026, 9, 2))  # more than 12 months apart
    assert not has(raised([first, later]), first.id, Indicator.SPLIT_DIRECT_AWARDS)
    other_funder = replace(second, funder_id=OTHER)
    assert not has(raised([first, other_funder]), first.id, Indicator.SPLIT_DIRECT_AWARDS)


def test_awarded_before_close_stays_with_its_recorded_reason() -> None:
    cmp_ = competition("CMP-1")
    early = award(
        1, competition_id="CMP-1", award_date=date(2026, 2, 9), award_before_close="urgent"
    )
    on_the_day = award(2, competition_id="CMP-1", award_date=date(2026, 2, 10))
    found = raised([early, on_the_day], [cmp_])
    assert has(found, early.id, Indicator.AWARDED_BEFORE_CLOSE)
    assert not has(found, on_the_day.id, Indicator.AWARDED_BEFORE_CLOSE)
    (flag,) = [
        f
        for f in flags(Facts([early], {"CMP-1": cmp_}, {}), LIMITS)
        if f.indicator is Indicator.AWARDED_BEFORE_CLOSE
    ]
    assert "1 days before" in flag.explanation
    assert "the recorded reason: urgent" in flag.explanation
    assert flag.seqs == (cmp_.published_seq, early.published_seq)


def test_short_window_below_10_days_and_below_half_the_funders_median() -> None:
    usual = [
        competition(f"CMP-{n}", opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 31))
        for n in range(3)
    ]  # 30 days each: the median is 30
    nine = competition("CMP-9", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 10))
    ten = competition("CMP-10", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 11))
    fifteen = competition("CMP-15", opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 16))
    awards = [
        award(n, competition_id=c.id, award_date=date(2026, 4, 1), published_on=date(2026, 4, 1))
        for n, c in enumerate([nine, ten, fifteen], start=1)
    ]
    found = raised(awards, [*usual, nine, ten, fifteen])
    assert has(found, awards[0].id, Indicator.SHORT_WINDOW)
    assert not has(found, awards[1].id, Indicator.SHORT_WINDOW)
    # The median of 30, 30, 30, 9, 10, 15 is 22.5: under half of it (11.25) are 9 and 10.
    assert has(found, awards[0].id, Indicator.WINDOW_BELOW_FUNDER_MEDIAN)
    assert has(found, awards[1].id, Indicator.WINDOW_BELOW_FUNDER_MEDIAN)
    assert not has(found, awards[2].id, Indicator.WINDOW_BELOW_FUNDER_MEDIAN)
    stricter = replace(LIMITS, short_window_days=11)
    assert has(
        raised(awards, [*usual, nine, ten, fifteen], limits=stricter),
        awards[1].id,
        Indicator.SHORT_WINDOW,
    )


def test_late_announcement_with_under_10_days_of_the_window_left_or_after_it_closed() -> None:
    """The window runs 10 January to 10 February; what counts is the day the ledger recorded
    the competition, against its closing day."""

    def late(recorded_on: date, *, after_close: bool = False, **limits: int) -> bool:
        cmp_ = competition("CMP-1", recorded_on=recorded_on, recorded_after_close=after_close)
        found = raised([award(1, competition_id="CMP-1")], [cmp_], limits=replace(LIMITS, **limits))
        return has(found, "AWD-2026-000001", Indicator.LATE_ANNOUNCEMENT)

    assert late(date(2026, 2, 1))  # 9 days left
    assert not late(date(2026, 1, 31))  # 10 days left
    assert late(date(2026, 1, 31), late_announcement_days=11)
    assert late(date(2026, 2, 10))  # its closing day, before the deadline's hour
    assert late(date(2026, 2, 10), after_close=True)
    assert late(date(2026, 3, 1), after_close=True)
    # Recorded before it opened, or on its opening day: its whole window was public, and a
    # short one is short_window's case.
    assert not late(date(2026, 1, 9))
    assert not late(date(2026, 1, 10), late_announcement_days=40)
    assert late(date(2026, 1, 11), late_announcement_days=40)
    # No day to judge by (an import of a past record), and no competition: nothing.
    assert not raised([award(1, competition_id="CMP-1")], [competition("CMP-1")])
    assert not raised([award(1)], [competition("CMP-1", recorded_on=date(2026, 3, 1))])


def test_late_announcement_explains_itself_with_its_days_and_seqs() -> None:
    nine_left = competition("CMP-1", recorded_on=date(2026, 2, 1), published_seq=40)
    closed = competition(
        "CMP-2", recorded_on=date(2026, 2, 15), recorded_after_close=True, published_seq=41
    )
    closing_hour = competition(
        "CMP-3", recorded_on=date(2026, 2, 10), recorded_after_close=True, published_seq=42
    )
    awards = [award(n, competition_id=f"CMP-{n}") for n in (1, 2, 3)] + [
        award(4, competition_id="CMP-1")
    ]
    found = [
        flag
        for flag in flags(
            Facts(awards, {c.id: c for c in (nine_left, closed, closing_hour)}, {}), LIMITS
        )
        if flag.indicator is Indicator.LATE_ANNOUNCEMENT
    ]
    by_award = {flag.award_id: flag for flag in found}
    assert set(by_award) == {a.id for a in awards}  # each award of such a competition
    first = by_award[awards[0].id]
    assert first.explanation == (
        "CMP-1 was entered into the ledger on 2026-02-01, 9 days before its window closed "
        "(applications 2026-01-10 to 2026-02-10); the indicator is for a competition recorded "
        "after it opened with under 10 days of its window left, or after it closed"
    )
    assert first.facts == {
        "recorded_on": "2026-02-01",
        "opens_on": "2026-01-10",
        "closes_on": "2026-02-10",
        "days_left": 9,
    }
    assert first.seqs == (40, awards[0].published_seq)
    assert "2026-02-15, 5 days after its window closed" in by_award[awards[1].id].explanation
    assert by_award[awards[1].id].facts["days_left"] == 0
    assert (
        "2026-02-10, on its closing day, after applications had closed"
        in by_award[awards[2].id].explanation
    )


def test_late_announcement_counts_days_and_the_closing_hour_in_the_competitions_zone() -> None:
    window = {
        "opens_at": datetime(2026, 1, 10, 9, 0, tzinfo=TASHKENT),
        "closes_at": datetime(2026, 2, 10, 18, 0, tzinfo=TASHKENT),
        "funder_id": FUND,
        "region": "UZ",
    }
    # 20:00 UTC on 31 January is 1 February in Tashkent: 9 days left, not 10.
    assert recorded(
        Competition(published_at=datetime(2026, 1, 31, 20, 0, tzinfo=UTC), **window)
    ) == (date(2026, 2, 1), False)
    # On the closing day, the deadline's hour decides; a time SQLite gives without a zone is
    # UTC (13:00 UTC is 18:00 in Tashkent).
    before, at = (datetime(2026, 2, 10, 12, 59), datetime(2026, 2, 10, 13, 0))  # noqa: DTZ001
    assert recorded(Competition(published_at=before, **window)) == (date(2026, 2, 10), False)
    assert recorded(Competition(published_at=at, **window)) == (date(2026, 2, 10), True)


def test_dominant_winner_over_half_of_a_funders_awards_in_a_year() -> None:
    rounds = [competition("CMP-1"), competition("CMP-2")]
    strong = "UZ-STIR-306581234"
    awards = [
        award(1, competition_id="CMP-1", recipient_id=strong, award_date=date(2026, 3, 1)),
        award(2, competition_id="CMP-2", recipient_id=strong, award_date=date(2026, 3, 1)),
        award(3, competition_id="CMP-2", recipient_id=NGO_UZ_2, award_date=date(2026, 3, 1)),
    ]
    found = raised(awards, rounds)
    assert has(found, awards[0].id, Indicator.DOMINANT_WINNER)  # 2 of 3 awards, 67% of money
    assert not has(found, awards[2].id, Indicator.DOMINANT_WINNER)
    even = [*awards, award(4, competition_id="CMP-1", recipient_id="UZ-STIR-300000009")]
    # 2 of 4 awards and 50% of the money: not more than half.
    assert not has(raised(even, rounds), awards[0].id, Indicator.DOMINANT_WINNER)
    # One competition in the year is not enough to speak of most of them.
    alone = [a for a in awards if a.competition_id == "CMP-2"]
    assert not has(raised(alone, rounds[1:]), alone[0].id, Indicator.DOMINANT_WINNER)


def test_repeat_winner_in_three_years() -> None:
    rounds = [competition(f"CMP-{year}", year=year) for year in (2024, 2025, 2026)]
    awards = [award(n, competition_id=c.id, recipient_id=NGO_UZ) for n, c in enumerate(rounds, 1)]
    assert has(raised(awards, rounds), awards[0].id, Indicator.REPEAT_WINNER)
    assert not has(raised(awards[1:], rounds[1:]), awards[1].id, Indicator.REPEAT_WINNER)


def test_amount_raised_by_more_than_20_percent() -> None:
    raised_by_21 = award(
        1, amount_minor=121_00, original_amount_minor=100_00, amendment_seqs=(300,)
    )
    raised_by_20 = award(
        2, amount_minor=120_00, original_amount_minor=100_00, amendment_seqs=(301,)
    )
    found = raised([raised_by_21, raised_by_20])
    assert has(found, raised_by_21.id, Indicator.AMOUNT_RAISED)
    assert not has(found, raised_by_20.id, Indicator.AMOUNT_RAISED)
    (flag,) = flags(Facts([raised_by_21], {}, {}), LIMITS)
    assert flag.seqs == (raised_by_21.published_seq, 300)


def test_late_publication_after_30_days() -> None:
    late = award(1, award_date=date(2026, 3, 1), published_on=date(2026, 4, 1))  # 31 days
    on_time = award(2, award_date=date(2026, 3, 2), published_on=date(2026, 4, 1))  # 30 days
    found = raised([late, on_time])
    assert has(found, late.id, Indicator.LATE_PUBLICATION)
    assert not has(found, on_time.id, Indicator.LATE_PUBLICATION)


def test_single_admitted_application() -> None:
    one = competition("CMP-1", applications=5, admitted=1, stage_seqs=(20, 21))
    two = competition("CMP-2", applications=5, admitted=2)
    only_applicant = competition("CMP-3", applications=1)
    awards = [award(n, competition_id=f"CMP-{n}") for n in (1, 2, 3)]
    found = raised(awards, [one, two, only_applicant])
    assert has(found, awards[0].id, Indicator.SINGLE_ADMITTED)
    assert not has(found, awards[1].id, Indicator.SINGLE_ADMITTED)
    assert has(found, awards[2].id, Indicator.SINGLE_ADMITTED)


def test_new_organization_registered_shortly_before() -> None:
    cmp_ = competition("CMP-1", opens_on=date(2026, 1, 10))
    young = OrganizationFacts("UZ-STIR-300000001", date(2025, 7, 15), 5)  # 179 days before
    older = OrganizationFacts("UZ-STIR-300000002", date(2025, 7, 14), 6)  # 180 days before
    awards = [award(1, competition_id="CMP-1"), award(2, competition_id="CMP-1")]
    found = raised(awards, [cmp_], [young, older])
    assert has(found, awards[0].id, Indicator.NEW_ORGANIZATION)
    assert not has(found, awards[1].id, Indicator.NEW_ORGANIZATION)
    unknown = OrganizationFacts("UZ-STIR-300000001", None, 5)
    assert not raised(awards[:1], [cmp_], [unknown])


def test_thresholds_come_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_RISK_SHORT_WINDOW_DAYS", "14")
    monkeypatch.setenv("REGISTRY_RISK_CAP_SHARE", "0.75")
    monkeypatch.setenv("REGISTRY_RISK_LATE_ANNOUNCEMENT_DAYS", "7")
    configured = thresholds(Settings())
    assert configured.short_window_days == 14
    assert configured.late_announcement_days == 7
    assert configured.cap_share == Decimal("0.75")


# --- through the API -----------------------------------------------------------------------


@pytest.fixture
def world(client: TestClient, database: Database) -> World:
    return build_world(client, database)


def recent(competition_id: str | None, **overrides: Any) -> dict[str, Any]:
    """An award dated a few days ago, so that it is not published late."""
    today = date.today()  # noqa: DTZ011 - a few days' margin either way
    return award_body(
        competition_id,
        award_date=(today - timedelta(days=5)).isoformat(),
        period={"start": today.isoformat(), "end": (today + timedelta(days=300)).isoformat()},
        **overrides,
    )


def test_the_risks_of_a_search_are_explained_and_rest_on_real_entries(
    client: TestClient, world: World
) -> None:
    near_cap = post(
        client,
        "/api/v1/awards",
        recent(None, legal_basis="UP-124", amount="400000000"),
        world.fund,
    ).json()
    # Announced five days before its window opened, as a competition should be.
    with clock.travel(datetime(2026, 1, 5, 9, 0, tzinfo=TASHKENT)):
        competition = create_competition(client, world)
    early = post(
        client,
        "/api/v1/awards",
        award_body(
            competition["id"],
            recipient_id=NGO_UZ_2,
            award_date="2026-02-01",
            award_before_close="the project starts in February",
        ),
        world.fund,
    ).json()
    plain = post(client, "/api/v1/awards", recent(competition["id"], amount="1000"), world.fund)
    assert plain.status_code == 201
    response = client.get("/api/v1/risks")
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["awards"] == 3
    by_award = {item["award_id"]: item for item in page["items"]}
    assert set(by_award) == {near_cap["id"], early["id"]}
    (cap_flag,) = by_award[near_cap["id"]]["flags"]
    assert cap_flag["indicator"] == "near_direct_cap"
    assert "97% of the cap" in cap_flag["explanation"]
    assert cap_flag["seqs"] == [near_cap["published_seq"]]
    early_flags = {flag["indicator"]: flag for flag in by_award[early["id"]]["flags"]}
    assert "awarded_before_close" in early_flags
    assert "the project starts in February" in early_flags["awarded_before_close"]["explanation"]
    for flag in (cap_flag, *early_flags.values()):
        for seq in flag["seqs"]:
            assert client.get(f"/api/v1/ledger/entries/{seq}").status_code == 200
    assert page["counts"]["near_direct_cap"] == 1
    # Filtered like a search; by indicator; paged.
    only = client.get("/api/v1/risks", params={"competition": competition["id"]}).json()
    assert [item["award_id"] for item in only["items"]] == [early["id"]]
    picked = client.get("/api/v1/risks", params={"indicator": "near_direct_cap"}).json()
    assert [item["award_id"] for item in picked["items"]] == [near_cap["id"]]
    first = client.get("/api/v1/risks", params={"limit": 1}).json()
    assert len(first["items"]) == 1
    second = client.get(first["next"].replace("http://testserver", "")).json()
    assert [i["award_id"] for i in first["items"] + second["items"]] == [
        i["award_id"] for i in page["items"]
    ]
    assert second["next"] is None
    unknown = client.get("/api/v1/risks", params={"indicator": "bribery"})
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["field"] == "query.indicator"


def test_risk_counts_by_funder_and_recipient(client: TestClient, world: World) -> None:
    body = recent(None, legal_basis="UP-124", amount="400000000")
    assert post(client, "/api/v1/awards", body, world.fund).status_code == 201
    assert (
        post(
            client,
            "/api/v1/awards",
            recent(None, legal_basis="UP-124", amount="1", recipient_id=NGO_UZ_2),
            world.fund,
        ).status_code
        == 201
    )
    funders = client.get("/api/v1/risks/summary", params={"group_by": "funder"}).json()
    (row,) = funders["rows"]
    assert row["key"] == PUBLIC_FUND
    assert (row["awards"], row["flagged"]) == (2, 1)
    assert row["by_indicator"] == {"near_direct_cap": 1}
    assert row["name"]
    recipients = client.get("/api/v1/risks/summary", params={"group_by": "recipient"}).json()
    assert [(r["key"], r["flagged"]) for r in recipients["rows"]] == [(NGO_UZ, 1), (NGO_UZ_2, 0)]


def test_the_award_page_shows_indicators_to_look_into(client: TestClient, world: World) -> None:
    body = recent(None, legal_basis="UP-124", amount="400000000")
    award = post(client, "/api/v1/awards", body, world.fund).json()
    html = client.get(f"/awards/{award['id']}", params={"lang": "en"}).text
    assert "Indicators to look into" in html
    assert "not a finding of wrongdoing" in html
    assert "97% of the cap" in html
    quiet = post(
        client,
        "/api/v1/awards",
        recent(None, legal_basis="UP-124", amount="5", recipient_id=NGO_UZ_2),
        world.fund,
    ).json()
    quiet_page = client.get(f"/awards/{quiet['id']}", params={"lang": "en"}).text
    assert quiet["id"] in quiet_page
    assert "Indicators to look into" not in quiet_page


def test_the_demo_raises_every_indicator(demo_client: TestClient) -> None:
    page = demo_client.get("/api/v1/risks", params={"limit": 200}).json()
    assert set(page["counts"]) == {indicator.value for indicator in Indicator}
    # A demo this small draws nothing over any threshold: only the planted cases are flagged.
    assert sum(page["counts"].values()) < 20


def test_an_organization_page_counts_its_indicators(demo_client: TestClient) -> None:
    html = demo_client.get(f"/organizations/{SAMARQAND_KHOKIMIYAT}", params={"lang": "en"}).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Indicators to look into" in text
    assert "Close to the cap on awards without a competition: 1 award" in text
    assert "Awards without a competition that together pass the cap: 2 awards" in text
    assert f"/api/v1/risks?funder={SAMARQAND_KHOKIMIYAT}" in html
    russian = demo_client.get(f"/organizations/{SAMARQAND_KHOKIMIYAT}", params={"lang": "ru"})
    assert "Индикаторы, на которые стоит обратить внимание" in russian.text


def test_award_search_has_a_risks_facet(demo_client: TestClient) -> None:
    page = demo_client.get("/api/v1/awards", params={"facets": "risks,instrument"}).json()
    risks = {value["value"]: value for value in page["facets"]["risks"]}
    counts = demo_client.get("/api/v1/risks").json()["counts"]
    assert {key: value["count"] for key, value in risks.items()} == counts
    assert risks["near_direct_cap"]["totals"] == [
        {"currency": "UZS", "awarded": "396000000.00", "disbursed": "0.00"}
    ]
    assert page["facets"]["instrument"]
    samarqand = demo_client.get(
        "/api/v1/awards", params={"facets": "risks", "funder": SAMARQAND_KHOKIMIYAT}
    ).json()
    assert {v["value"] for v in samarqand["facets"]["risks"]} == {
        "near_direct_cap",
        "split_direct_awards",
        "dominant_winner",
        "awarded_before_close",
    }


def test_split_window_is_twelve_calendar_months() -> None:
    recipient = "UZ-STIR-306581234"
    first = award(1, recipient_id=recipient, amount_minor=CAP // 2, award_date=date(2024, 2, 1))
    # 365 days later, across 29 February: still within 12 months.
    second = award(2, recipient_id=recipient, amount_minor=CAP, award_date=date(2025, 1, 31))
    assert has(raised([first, second]), first.id, Indicator.SPLIT_DIRECT_AWARDS)
    a_year_on = replace(second, award_date=date(2025, 2, 1))
    assert not has(raised([first, a_year_on]), first.id, Indicator.SPLIT_DIRECT_AWARDS)


def test_late_publication_counts_the_local_day() -> None:
    # Recorded at 20:00 UTC on 31 March: 1 April in Tashkent, 31 days after 1 March.
    recorded = _local_day(
        Award(published_at=datetime(2026, 3, 31, 20, 0, tzinfo=UTC), region="UZ-TK", funder_id=FUND)
    )
    assert recorded == date(2026, 4, 1)
    late = award(1, award_date=date(2026, 3, 1), published_on=recorded)
    assert has(raised([late]), late.id, Indicator.LATE_PUBLICATION)


def test_the_unknown_parameter_of_a_risk_query_is_refused(client: TestClient) -> None:
    response = client.get("/api/v1/risks", params={"fundr": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "query.fundr"


def publish_at(client: TestClient, world: World, moment: datetime, round_number: int) -> dict:
    """A competition of the default window (10 January 09:00 to 10 February 18:00, Tashkent)
    entered into the ledger at ``moment``."""
    with clock.travel(moment):
        return create_competition(client, world, round_number=round_number)


def late_announcements(client: TestClient) -> dict[str, dict[str, Any]]:
    page = client.get("/api/v1/risks", params={"indicator": "late_announcement"}).json()
    return {item["award_id"]: item["flags"][0] for item in page["items"]}


def test_a_competition_entered_late_is_flagged_on_each_award(
    client: TestClient, world: World
) -> None:
    nine_left = publish_at(client, world, datetime(2026, 1, 31, 20, 0, tzinfo=UTC), 5)
    ten_left = publish_at(client, world, datetime(2026, 1, 31, 18, 0, tzinfo=UTC), 6)
    after_close = publish_at(client, world, datetime(2026, 2, 10, 18, 30, tzinfo=TASHKENT), 7)
    on_time = publish_at(client, world, datetime(2026, 1, 5, 9, 0, tzinfo=TASHKENT), 8)
    made = {}
    for competition, recipient in (
        (nine_left, NGO_UZ),
        (nine_left, NGO_UZ_2),
        (ten_left, NGO_UZ),
        (after_close, NGO_UZ),
        (on_time, NGO_UZ),
    ):
        body = recent(competition["id"], amount="1000", recipient_id=recipient)
        response = post(client, "/api/v1/awards", body, world.fund)
        assert response.status_code == 201, response.text
        made.setdefault(competition["id"], []).append(response.json())
    flagged = late_announcements(client)
    expected = [a["id"] for a in made[nine_left["id"]] + made[after_close["id"]]]
    assert sorted(flagged) == sorted(expected)
    # Recorded at 01:00 on 1 February in Tashkent (31 January in UTC): 9 days left, not 10.
    first = flagged[made[nine_left["id"]][0]["id"]]
    assert first["facts"] == {
        "recorded_on": "2026-02-01",
        "opens_on": "2026-01-10",
        "closes_on": "2026-02-10",
        "days_left": 9,
    }
    assert f"{nine_left['id']} was entered into the ledger on 2026-02-01" in first["explanation"]
    assert first["seqs"] == [nine_left["published_seq"], made[nine_left["id"]][0]["published_seq"]]
    closed = flagged[made[after_close["id"]][0]["id"]]
    assert "on its closing day, after applications had closed" in closed["explanation"]
    assert closed["facts"]["days_left"] == 0
    for flag in flagged.values():
        for seq in flag["seqs"]:
            assert client.get(f"/api/v1/ledger/entries/{seq}").status_code == 200
    page = client.get("/api/v1/risks").json()
    assert page["counts"]["late_announcement"] == 3
    assert "late_announcement" not in {
        flag["indicator"]
        for item in page["items"]
        if item["award_id"] in {a["id"] for a in made[on_time["id"]] + made[ten_left["id"]]}
        for flag in item["flags"]
    }


def test_an_imported_competition_is_not_judged_by_its_import_day(
    client: TestClient, world: World, database: Database
) -> None:
    """An import records a past competition on the day of the import: that day says nothing
    of when applicants could have learned of it."""
    data = CompetitionCreate.model_validate(competition_body(round_number=9))
    importer = Principal(Role.FUNDER, key_prefix="import-1a2b3c4d", organization_id=PUBLIC_FUND)
    with database.session(write=True) as session:
        imported = competition_service.publish(session, principal=importer, data=data).id
    late = create_competition(client, world, round_number=10)  # by its key, today
    for competition_id in (imported, late["id"]):
        response = post(client, "/api/v1/awards", recent(competition_id, amount="1000"), world.fund)
        assert response.status_code == 201, response.text
    flagged = late_announcements(client)
    assert [flag["seqs"][0] for flag in flagged.values()] == [late["published_seq"]]


def test_the_award_and_funder_pages_show_a_late_announcement(
    client: TestClient, world: World
) -> None:
    competition = publish_at(client, world, datetime(2026, 2, 3, 9, 0, tzinfo=TASHKENT), 5)
    award = post(
        client, "/api/v1/awards", recent(competition["id"], amount="1000"), world.fund
    ).json()
    html = client.get(f"/awards/{award['id']}", params={"lang": "en"}).text
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert "Competition entered the register shortly before applications closed" in text
    assert "was entered into the ledger on Feb 3, 2026, 7 days before its window closed" in text
    funder = client.get(f"/organizations/{PUBLIC_FUND}", params={"lang": "en"}).text
    funder_text = " ".join(unescape(re.sub(r"<[^>]+>", " ", funder)).split())
    assert (
        "Competition entered the register shortly before or after applications closed: 1 award"
        in funder_text
    )
    for lang, label in (
        ("ru", "Конкурс внесён в реестр незадолго до окончания приёма заявок"),
        ("kk", "Конкурс өтінім қабылдау аяқталуына аз қалғанда тізілімге енгізілген"),
        ("uz", "Tanlov arizalar qabuli tugashiga oz qolganda reyestrga kiritilgan"),
        ("uz-Cyrl", "Танлов аризалар қабули тугашига оз қолганда реестрга киритилган"),
    ):
        page = client.get(f"/awards/{award['id']}", params={"lang": lang}).text
        assert label in page, lang


def test_every_explanation_is_said_in_each_language(  # a pure test: the catalogs, no database
) -> None:
    """Each indicator's explanation, in each of its cases, has its words in the catalogs of
    every language the portal speaks, with its values in the reader's locale; the API's
    English is the same text as before."""
    late = competition(
        "CMP-2026-00001",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 5),
        recorded_on=date(2026, 1, 8),
        recorded_after_close=True,
        applications=1,
    )
    on_the_day = competition(
        "CMP-2026-00002",
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 1, 5),
        recorded_on=date(2026, 1, 5),
        recorded_after_close=True,
        admitted=1,
    )
    before = competition("CMP-2026-00003", opens_on=date(2026, 1, 1), closes_on=date(2026, 1, 9))
    hours = competition("CMP-2026-00004", opens_on=date(2025, 12, 1), closes_on=date(2026, 1, 9))
    before, hours = (
        replace(before, recorded_on=date(2026, 1, 3)),
        replace(hours, recorded_on=date(2026, 1, 9)),
    )
    others = [
        competition(f"CMP-{year}-00009", year=year, opens_on=date(year, 1, 1))
        for year in (2024, 2025)
    ]
    awards = [
        award(1, competition_id=late.id, award_date=date(2026, 1, 2), award_before_close="urgent"),
        award(11, competition_id=late.id, amendment_seqs=(50,), amount_minor=130_000_000_00),
        award(2, competition_id=on_the_day.id, recipient_id="UZ-STIR-300000009"),
        award(21, competition_id=before.id),
        award(31, competition_id=hours.id, published_on=date(2026, 6, 1)),
        award(41, competition_id=others[0].id),
        award(51, competition_id=others[1].id),
        award(6, amount_minor=400_000_000_00),
        award(7, amount_minor=300_000_000_00, award_date=date(2026, 4, 1)),
        award(17, amount_minor=300_000_000_00, award_date=date(2026, 5, 1)),
    ]
    organizations = [
        OrganizationFacts("UZ-STIR-300000001", date(2025, 12, 1), 3),
        OrganizationFacts("UZ-STIR-300000007", date(2026, 5, 3), 4),
    ]
    raised = flags(
        Facts(
            awards,
            {each.id: each for each in (late, on_the_day, before, hours, *others)},
            {each.org_id: each for each in organizations},
        ),
        LIMITS,
    )
    assert {flag.indicator for flag in raised} == set(Indicator)
    by_key = {(flag.award_id, flag.indicator): flag for flag in raised}
    after = by_key[("AWD-2026-000001", Indicator.LATE_ANNOUNCEMENT)]
    assert str(after.explanation) == (
        "CMP-2026-00001 was entered into the ledger on 2026-01-08, 3 days after its window "
        "closed (applications 2026-01-01 to 2026-01-05); the indicator is for a competition "
        "recorded after it opened with under 10 days of its window left, or after it closed"
    )
    assert after.case is Case.AFTER_CLOSE
    assert by_key[("AWD-2026-000021", Indicator.LATE_ANNOUNCEMENT)].case is (
        Case.SHORTLY_BEFORE_CLOSE
    )
    for language in LANGUAGES:
        i18n.activate(language)
        for flag in raised:
            assert not risk_pages.in_english(flag.explanation), (language, flag.explanation)
            said = risk_pages.explained(flag.explanation)
            assert "%(" not in said
            if language.code != "en":
                assert not re.search(r"\d{4}-\d\d-\d\d", said), (language, said)  # not ISO
    i18n.activate(BY_CODE["ru"])
    assert risk_pages.explained(after.explanation).startswith(
        "CMP-2026-00001 внесён в реестр 8 янв. 2026\u202fг., через 3 дня после окончания приёма "
        "заявок"
    )
    reason = risk_pages.explained(
        by_key[("AWD-2026-000001", Indicator.AWARDED_BEFORE_CLOSE)].explanation
    )
    assert "за 3 дня до закрытия конкурса CMP-2026-00001" in reason
    assert 'записанная причина: <span lang="">urgent</span>' in reason
    median = by_key[("AWD-2026-000001", Indicator.WINDOW_BELOW_FUNDER_MEDIAN)].explanation
    assert "дня" in risk_pages.explained(median) or "дней" in risk_pages.explained(median)
    i18n.activate(BY_CODE["uz"])
    assert "arizalar qabuli tugaganidan 3 kun keyin" in risk_pages.explained(after.explanation)
    i18n.activate(BY_CODE["en"])
    assert risk_pages.explained(after.explanation).startswith(
        "CMP-2026-00001 was entered into the ledger on Jan 8, 2026, 3 days after its window closed"
    )


def test_a_competition_entered_after_its_close_is_explained_in_the_readers_language(
    client: TestClient, world: World
) -> None:
    """The journalist's case: a competition entered into the ledger three days after its
    window closed, and an award in it. The award's page and the competition's own page say
    the indicator in Russian (its heading that it came after the close, not "with little
    time left"), while the API's explanation stays the English it was."""
    closed = publish_at(client, world, datetime(2026, 2, 13, 12, 0, tzinfo=TASHKENT), 9)
    response = post(client, "/api/v1/awards", recent(closed["id"], amount="1000"), world.fund)
    assert response.status_code == 201, response.text
    made = response.json()
    english = (
        f"{closed['id']} was entered into the ledger on 2026-02-13, 3 days after its window "
        "closed (applications 2026-01-10 to 2026-02-10); the indicator is for a competition "
        "recorded after it opened with under 10 days of its window left, or after it closed"
    )
    for params in ({"competition": closed["id"]}, {"indicator": "late_announcement"}):
        page = client.get("/api/v1/risks", params=params).json()
        [item] = [each for each in page["items"] if each["award_id"] == made["id"]]
        [flag] = [each for each in item["flags"] if each["indicator"] == "late_announcement"]
        assert flag["explanation"] == english
    russian = (
        f"{closed['id']} внесён в реестр 13 февр. 2026\u202fг., через 3 дня после окончания "
        "приёма заявок (приём заявок с 10 янв. 2026\u202fг. по 10 февр. 2026\u202fг.)"
    )
    heading = "Конкурс внесён в реестр уже после окончания приёма заявок"
    for path in (f"/awards/{made['id']}", f"/competitions/{closed['id']}"):
        html = unescape(client.get(path, params={"lang": "ru"}).text)
        section = html[html.index('<section class="risks"') :]
        section = section[: section.index("</section>")]
        assert f"<strong>{heading}</strong>" in section, path
        assert russian in section, path
        assert "was entered into the ledger" not in section, path
        assert "мало времени" not in section, path
        assert 'lang="en"' not in section, path
        assert f"/api/v1/ledger/entries/{closed['published_seq']}" in section, path
    competition_page = unescape(client.get(f"/competitions/{closed['id']}").text)
    assert f'href="/awards/{made["id"]}' in competition_page.split('<section class="risks"')[1]
    assert "Competition entered the register after applications had closed" in unescape(
        client.get(f"/competitions/{closed['id']}", params={"lang": "en"}).text
    )
