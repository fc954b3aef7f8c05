"""Demo data: a year of state support for NGOs in Uzbekistan and Kazakhstan.

Everything is written through the services, as funders and admins write through the API, so
every row is a ledger entry, every rule is checked and the ledger verifies like real data.

What it holds, sized after the public figures in the domain notes:

* Funders. Uzbekistan: the Public Fund for Supporting Civil Society Institutions (UP-124 of
  26.08.2024), four ministries and agencies and three khokimiyats that place social orders.
  Kazakhstan: the grant operator (NAO "Civil Initiatives Support Centre", Astana), the Almaty
  city department that places the state social order, and the Ministry of Culture and
  Information, which awards the NGO prizes.
* About 210 NGOs in every Uzbek region and the main Kazakh ones, with well-formed STIRs and
  BINs (every BIN with the published check digit).
* The competitions of 2026: the Public Fund's four grant rounds, ministry and khokimiyat
  social-order competitions, the operator's short and medium/long grant competitions in KZT,
  Almaty's social order and the prize competition; one cancelled, one whose window was
  extended, one closed and with the commission, one open today and one planned for January.
* Awards: competition grants, social contracts and prizes (dated after their competition
  closes, within its budget; a prize, a fixed sum with no project, has no implementation
  period and is paid at once) and subsidies without a competition (with their legal basis),
  each followed by its tranches, reports, amendments, completion or termination; one tranche
  was recorded with a digit missing and corrected, and one was recorded twice and voided.

The same seed gives the same organizations, competitions, awards, amounts and events; only the
API keys' secrets and the ledger's timestamps differ between loads. The history ends on
``AS_OF``; the open and the planned competition are placed relative to today, so that they are
open and planned whenever the demo is loaded.
"""

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, Final, NamedTuple

from sqlalchemy.orm import Session

from registry import demo_oversight
from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.awards import service as award_service
from registry.awards.legal import add_months
from registry.awards.schemas import (
    AwardAmended,
    AwardCompleted,
    AwardCorrected,
    AwardCreate,
    AwardDisbursed,
    AwardEventCreate,
    AwardReported,
    AwardTerminated,
)
from registry.competitions import service as competition_service
from registry.competitions.schemas import (
    ApplicationLanguage,
    ApplicationsClosed,
    CommissionDecided,
    CompetitionAmended,
    CompetitionCancelled,
    CompetitionChanges,
    CompetitionCreate,
    CompetitionEventCreate,
    CompetitionResultsPublished,
    ComplianceChecked,
    PreliminaryResults,
    RefusalReason,
)
from registry.core import clock
from registry.core.db import Database
from registry.core.errors import Conflict
from registry.core.schemas import Instrument, LegalUnitStatement, LocalizedText, Period, Window
from registry.ledger import service as ledger_service
from registry.ledger.checkpoint import NoteSigner
from registry.organizations import service as organization_service
from registry.organizations.schemas import OrganizationCreate, OrganizationKind
from registry.reference.identifiers import kz_bin_check_digit
from registry.reference.legal_units import LegalUnit
from registry.reference.regions import regions_of

__all__ = ["AS_OF", "DEFAULT_AWARDS", "DEFAULT_SEED", "DemoResult", "is_empty", "load"]

DEFAULT_SEED: Final = 2026
DEFAULT_AWARDS: Final = 2000
OPERATIONS_PER_TRANSACTION: Final = 100
"""Service calls per write transaction: few commits for a quick load on SQLite, and the write
lock is never held for long."""

AS_OF: Final = date(2026, 11, 20)
DEFAULT_ANSWER_DAYS: Final = 30
WORKDAY_START: Final = time(9)
"""The demo's history ends here: no award, tranche or report is dated later."""

LOCAL_TIME: Final = timezone(timedelta(hours=5))
"""Tashkent time, and Astana time: all of Kazakhstan has kept UTC+5 since 1 March 2024."""

KZ_MCI_2026: Final = 4325
"""Kazakhstan's monthly calculation index (MCI; АЕК in Kazakh, МРП in Russian) for 2026, in
KZT, as set by the Law on the republican budget for 2026-2028 (3,932 KZT was the 2025 value).
The operator's grants are sized in MCI: short 500-3,000, medium 3,000-10,000, long 10,000 and
up; each award's purpose states the MCI count, the value and the year."""

UZ_BRV: Final = 412_000
"""Uzbekistan's base calculation amount (BRV), in UZS, in force since 1 August 2025."""

DIRECT_AWARD_CEILING_UZS: Final = 1000 * UZ_BRV
"""UP-124 allows an award without a competition up to 1,000 x BRV (412 M UZS)."""

RISK_CASES: Final = 11
"""Awards planted to raise each risk indicator (``_risk_cases``), counted in the total."""

KZ_PRIZE_KZT: Final = 4_500_000
"""Each NGO prize is this fixed sum; 59 to 73 are awarded a year."""
KZ_PRIZES_PER_YEAR: Final = 73

PUBLIC_FUND_BASIS: Final = "PF-124-son farmon, 26.08.2024"
UZ_SOCIAL_ORDER_BASIS: Final = "OʻRQ-376-son qonun, 25.09.2014; PF-124-son farmon, 26.08.2024"
KZ_BASIS: Final = "Закон РК № 36-III от 12.04.2005"

UZ_NGO_COUNT: Final = 150
KZ_NGO_COUNT: Final = 60


@dataclass(frozen=True)
class DemoResult:
    """What a load wrote. ``events`` counts competition and award events after publication;
    ``admin_token`` is the admin key's token, shown once."""

    organizations: int
    funders: int
    competitions: int
    awards: int
    events: int
    overseers: int
    conclusions: int
    oversight_events: int
    ledger_size: int
    admin_token: str


def is_empty(database: Database) -> bool:
    """True while the ledger has no entries: the "first run" test."""
    with database.session() as session:
        return ledger_service.size(session) == 0


def load(
    database: Database,
    *,
    seed: int = DEFAULT_SEED,
    awards: int = DEFAULT_AWARDS,
    signer: NoteSigner | None = None,
    progress: Callable[[int, int], None] | None = None,
    answer_days: int = DEFAULT_ANSWER_DAYS,
) -> DemoResult:
    """Write the demo data set with about ``awards`` awards (at least one per programme), then
    sign a checkpoint with ``signer`` if one is given.

    Writes commit every ``OPERATIONS_PER_TRANSACTION`` service calls, so a failure part-way
    keeps what was committed before it. The demo's organizations are looked up first: if any
    is already registered (the demo was loaded before), ``Conflict`` is raised before anything
    is written. ``progress(done, total)`` is called after each transaction.
    """
    if awards < 1:
        raise ValueError("the demo needs at least one award")
    today = datetime.now(UTC).date()
    if today <= AS_OF:
        # Results are published only after a competition closes, by the clock.
        raise RuntimeError(f"the demo's history runs to {AS_OF}; the clock says {today}")
    rng = random.Random(seed)  # noqa: S311 - demo data must be reproducible, not secret
    plan = _Planner(rng, awards, today=today, answer_days=answer_days).plan()
    with database.session() as session:
        taken = next(
            (o.org_id for o in plan.organizations if organization_service.find(session, o.org_id)),
            None,
        )
    if taken is not None:
        raise Conflict.for_field(
            "org_id", f"{taken} is already registered: load the demo into an empty database"
        )
    operations = [op for _, op in sorted(enumerate(plan.operations), key=_chronological)]
    first_day = min(op.when for op in operations if op.when > date.min) - timedelta(days=1)
    last: datetime | None = None
    for start in range(0, len(operations), OPERATIONS_PER_TRANSACTION):
        with database.session(write=True) as session:
            for operation in operations[start : start + OPERATIONS_PER_TRANSACTION]:
                with clock.travel(_written_at(max(operation.when, first_day), last)):
                    operation.run(session)
                    last = clock.now()
        if progress is not None:
            progress(min(start + OPERATIONS_PER_TRANSACTION, len(operations)), len(operations))
    with database.session(write=True) as session:
        if signer is not None:
            ledger_service.sign_if_stale(session, signer=signer)
        size = ledger_service.size(session)
    return DemoResult(
        organizations=len(plan.organizations),
        funders=len(FUNDERS),
        overseers=sum(len(org_ids) for org_ids in demo_oversight.OVERSEERS.values()),
        conclusions=plan.conclusions,
        oversight_events=plan.oversight_events,
        competitions=len(plan.competitions),
        awards=len(plan.awards),
        events=plan.events,
        ledger_size=size,
        admin_token=plan.writer.admin_token,
    )


def _written_at(day: date, last: datetime | None) -> datetime:
    """When the demo writes what it planned for ``day``: 09:00 in Tashkent, after the last
    write, and never after now (a plan for today runs now)."""
    planned = datetime.combine(day, WORKDAY_START, tzinfo=LOCAL_TIME)
    if last is not None:
        planned = max(planned, last + timedelta(milliseconds=1))
    return min(planned, datetime.now(UTC))


# --- The plan: what to write, and in which order ---------------------------------------------


@dataclass
class _Org:
    data: OrganizationCreate
    place: "_Place | None" = None
    name: "_Name | None" = None  # an NGO's name, to keep names unique within a region
    theme: str = ""
    activity: float = 1.0  # how often it applies and wins, relative to others

    @property
    def org_id(self) -> str:
        return self.data.org_id

    @property
    def country(self) -> str:
        return self.org_id[:2]


@dataclass
class _Competition:
    data: CompetitionCreate
    id: str = ""  # known once published


_PlainEvent = AwardAmended | AwardDisbursed | AwardReported | AwardCompleted | AwardTerminated


@dataclass
class _Step:
    """One later event of an award. A correction names the step it corrects, whose ledger seq
    is known only once that step has been written."""

    when: date
    event: _PlainEvent | None = None
    corrects: "_Step | None" = None
    reason: str = ""
    changes: dict[str, Any] | None = None  # with ``corrects``: None voids the step
    seq: int | None = None

    def build(self) -> AwardEventCreate:
        if self.corrects is None:
            assert self.event is not None
            return self.event
        assert self.corrects.seq is not None, "a correction is written after what it corrects"
        return AwardCorrected(
            type="corrected",
            corrects=self.corrects.seq,
            reason=self.reason,
            changes=self.changes,
            void=self.changes is None,
        )


@dataclass
class _Award:
    funder: str
    recipient: _Org
    competition: _Competition | None
    instrument: Instrument
    title: dict[str, str]
    purpose: dict[str, str] | None
    amount: int  # whole units of the currency
    currency: str
    award_date: date
    period: tuple[date, date] | None  # None for a prize: a fixed sum, no project, no period
    legal_basis: str | None
    themes: list[str]
    tranches: int
    legal_unit: LegalUnitStatement | None = None
    award_before_close: str | None = None
    published_on: date | None = None  # when it is entered, if not on its award date
    steps: list[_Step] = field(default_factory=list)
    peak_amount: int = 0  # the most it is ever worth: what its competition must budget for
    id: str = ""

    def create(self) -> AwardCreate:
        return AwardCreate(
            funder_id=self.funder,
            recipient_id=self.recipient.org_id,
            competition_id=self.competition.id if self.competition else None,
            instrument=self.instrument,
            title=LocalizedText.model_validate(self.title),
            purpose=LocalizedText.model_validate(self.purpose) if self.purpose else None,
            amount=str(self.amount),
            currency=self.currency,
            award_date=self.award_date,
            period=Period(start=self.period[0], end=self.period[1]) if self.period else None,
            legal_basis=self.legal_basis,
            themes=self.themes,
            legal_unit=self.legal_unit,
            award_before_close=self.award_before_close,
        )


# Operations of one day run in this order, then in the order they were planned.
_SETUP, _COMPETITION, _COMPETITION_EVENT, _AWARD, _AWARD_EVENT, _OVERSIGHT = range(6)


@dataclass(frozen=True)
class _Operation:
    when: date
    rank: int
    run: Callable[[Session], None]


def _chronological(item: tuple[int, _Operation]) -> tuple[date, int, int]:
    index, operation = item
    return operation.when, operation.rank, index


class _Writer:
    """The principals the operations write as, filled in as their keys are issued."""

    def __init__(self) -> None:
        self.admin_token = ""
        self.admin: Principal | None = None
        self.funders: dict[str, Principal] = {}

    def issue_admin(self, session: Session) -> None:
        issued = auth_service.create_key(
            session, actor=SYSTEM_ACTOR, role=Role.ADMIN, organization_id=None, label="demo admin"
        )
        self.admin_token = issued.token
        self.admin = Principal(role=Role.ADMIN, key_prefix=issued.key.prefix, organization_id=None)

    def issue_funder(self, session: Session, org_id: str, label: str) -> None:
        issued = auth_service.create_key(
            session, actor=SYSTEM_ACTOR, role=Role.FUNDER, organization_id=org_id, label=label
        )
        self.funders[org_id] = Principal(
            role=Role.FUNDER, key_prefix=issued.key.prefix, organization_id=org_id
        )

    def register(self, session: Session, data: OrganizationCreate) -> None:
        assert self.admin is not None, "the admin key is issued first"
        organization_service.register(session, actor=self.admin.actor, data=data)


@dataclass
class _Plan:
    writer: _Writer = field(default_factory=_Writer)
    organizations: list[_Org] = field(default_factory=list)
    competitions: list[_Competition] = field(default_factory=list)
    awards: list[_Award] = field(default_factory=list)
    operations: list[_Operation] = field(default_factory=list)
    events: int = 0
    conclusions: int = 0
    oversight_events: int = 0


SHARES: Final = {
    "pf1": 13.0,
    "pf2": 13.0,
    "pf3": 13.0,
    "pf4": 11.0,
    "youth": 2.5,
    "health": 2.5,
    "ecology": 2.5,
    "social": 2.5,
    "tashkent": 1.2,
    "samarqand": 1.2,
    "fergana": 1.2,
    "uz_direct": 16.0,
    "kz_short": 3.0,
    "kz_long": 1.5,
    "almaty": 2.0,
    "prizes": 3.5,
}
"""How the awards are shared between the programmes (Uzbekistan about nine in ten)."""

SPLITS: Final = {
    1: ((100,),),
    2: ((50, 50), (60, 40), (70, 30)),
    3: ((40, 30, 30), (30, 40, 30), (50, 30, 20)),
}
"""Tranche percentages by number of tranches."""

SPECIAL_EVENT_ODDS: Final = (("terminate", 0.015), ("mistyped", 0.015), ("duplicate", 0.01))
"""How often an award is terminated early, has a tranche recorded with a digit missing (then
corrected), or has a tranche recorded twice (then voided). The first eligible awards get one
of each, so that even a small demo shows them."""


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TIME)


def _window(opens: date, closes: date, *, closing: tuple[int, int] = (18, 0)) -> Window:
    return Window(opens=_at(opens, 9), closes=_at(closes, *closing))


def _text(**languages: str) -> LocalizedText:
    return LocalizedText.model_validate(languages)


def _round(value: float, unit: int) -> int:
    return max(unit, round(value / unit) * unit)


def _dotted(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _allocate(total: int, shares: dict[str, float]) -> dict[str, int]:
    """``total`` split by ``shares`` by largest remainders, with at least one each."""
    weight = sum(shares.values())
    exact = {key: total * share / weight for key, share in shares.items()}
    counts = {key: max(1, int(value)) for key, value in exact.items()}
    by_remainder = sorted(shares, key=lambda key: int(exact[key]) - exact[key])
    for key in by_remainder[: max(0, total - sum(counts.values()))]:
        counts[key] += 1
    return counts


class _Planner:
    """Draws the whole data set from ``rng`` before anything is written."""

    def __init__(self, rng: random.Random, awards: int, *, today: date, answer_days: int) -> None:
        self.rng = rng
        self.answer_days = answer_days
        self.total = awards
        self.today = today
        self.out = _Plan()
        self.ngos: list[_Org] = []
        self.used_ids: set[str] = {spec.org_id for spec in FUNDERS}
        self.unplaced_specials = [kind for kind, _ in SPECIAL_EVENT_ODDS]

    def plan(self) -> _Plan:
        self._organizations()
        counts = _allocate(max(self.total - RISK_CASES, 0), SHARES)
        overflow = max(0, counts["prizes"] - KZ_PRIZES_PER_YEAR)
        counts["prizes"] -= overflow
        counts["uz_direct"] += overflow
        self._public_fund(counts)
        self._uz_social_orders(counts)
        self._uz_direct(counts["uz_direct"])
        self._kz_grants(counts)
        self._kz_social_order(counts["almaty"])
        self._kz_prizes(counts["prizes"])
        self._open_and_planned()
        drawn = len(self.out.awards)
        self._risk_cases()
        assert len(self.out.awards) - drawn == RISK_CASES
        for award in self.out.awards:
            self._award_operations(award)
        self._oversight()
        return self.out

    def _oversight(self) -> None:
        # Its own generator, seeded from this one once everything else is drawn: the rest of
        # the demo is what it was before oversight was added.
        oversight = demo_oversight.OversightPlan(
            self.out,
            self._op,
            rng=random.Random(self.rng.getrandbits(64)),  # noqa: S311 - reproducible, not secret
            today=self.today,
            answer_days=self.answer_days,
            setup_rank=_SETUP,
            rank=_OVERSIGHT,
        )

        def register(data: OrganizationCreate) -> None:
            if data.org_id in self.used_ids:
                raise RuntimeError(f"the demo drew {data.org_id} twice")
            self.used_ids.add(data.org_id)
            self._register(_Org(data))

        self.out.conclusions = oversight.add(register)
        self.out.oversight_events = oversight.events

    def _op(self, when: date, rank: int, run: Callable[[Session], None]) -> None:
        self.out.operations.append(_Operation(when, rank, run))

    # ---- organizations and keys

    def _organizations(self) -> None:
        writer = self.out.writer
        self._op(date.min, _SETUP, writer.issue_admin)
        for spec in FUNDERS:
            self._register(
                _Org(
                    OrganizationCreate(
                        org_id=spec.org_id,
                        name=LocalizedText.model_validate(spec.name),
                        kind=spec.kind,
                        legal_form=spec.legal_form,
                        region=spec.region,
                    )
                )
            )
        uz_regions = [code for code, _ in regions_of("UZ")]
        if set(uz_regions) != set(UZ_PLACES):
            raise RuntimeError("the demo's Uzbek place names do not match ISO 3166-2:UZ")
        if not set(KZ_PLACES) <= {code for code, _ in regions_of("KZ")}:
            raise RuntimeError("a demo region is not a current ISO 3166-2:KZ code")
        for region in self._spread(uz_regions, UZ_NGO_WEIGHTS, UZ_NGO_COUNT):
            self._ngo(region, UZ_PLACES[region], UZ_FORMS, self._stir())
        for region in self._spread(sorted(KZ_PLACES), KZ_NGO_WEIGHTS, KZ_NGO_COUNT):
            self._ngo(region, KZ_PLACES[region], KZ_FORMS, self._bin())
        for spec in FUNDERS:
            label = f"demo: {spec.name['en']}"

            def issue(session: Session, org_id: str = spec.org_id, label: str = label) -> None:
                writer.issue_funder(session, org_id, label)

            self._op(date.min, _SETUP, issue)

    def _spread(self, regions: list[str], weights: dict[str, int], count: int) -> list[str]:
        """Where ``count`` NGOs are registered: every region at least three times, the rest in
        proportion to ``weights`` (most in the capitals), in a shuffled order."""
        extra = _allocate(count - 2 * len(regions), {r: weights.get(r, 1) for r in regions})
        spread = [region for region in regions for _ in range(2 + extra[region])]
        self.rng.shuffle(spread)
        return spread

    def _register(self, org: _Org, when: date = date.min) -> None:
        self.out.organizations.append(org)
        writer = self.out.writer
        self._op(when, _SETUP, lambda session: writer.register(session, org.data))

    def _stir(self) -> str:
        """Nine digits; legal entities' STIRs start with 2 or 3 (only the length is checked)."""
        while True:
            value = f"UZ-STIR-{self.rng.choice('23')}{self.rng.randrange(10**8):08d}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _bin(self) -> str:
        """YYMM of registration, 4 (resident legal entity), unit 0 (head office) or 1 (branch),
        a five-digit serial and the check digit; 11-digit prefixes without one are skipped."""
        while True:
            yymm = f"{self.rng.randint(1996, 2024) % 100:02d}{self.rng.randint(1, 12):02d}"
            unit = self.rng.choices("01", weights=(9, 1))[0]
            first = f"{yymm}4{unit}{self.rng.randrange(10**5):05d}"
            check = kz_bin_check_digit(first)
            value = f"KZ-BIN-{first}{check}"
            if check is not None and value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _ngo(self, region: str, place: "_Place", forms: Sequence["_Form"], org_id: str) -> None:
        kazakh = region.startswith("KZ")
        names = [name for name in NGO_NAMES if not kazakh or name.words.kk is not None]
        taken = {org.name for org in self.ngos if org.place == place}
        name = self.rng.choice([name for name in names if name not in taken])
        form = self.rng.choices(forms, weights=[f.weight for f in forms])[0]
        english = form.en.format(core=name.words.en, place=place.en)
        local = {
            "kk" if kazakh else "uz": form.local.format(
                core=name.words.kk if kazakh else name.words.uz,
                place=place.kk_of if kazakh else place.uz,
            )
        }
        org = _Org(
            OrganizationCreate(
                org_id=org_id,
                name=LocalizedText.model_validate(
                    local
                    | {"ru": form.ru.format(core=name.words.ru, place=place.ru_of), "en": english}
                ),
                kind=OrganizationKind.NGO,
                legal_form=form.legal_form,
                region=region,
            ),
            place=place,
            name=name,
            theme=name.theme,
            activity=self.rng.lognormvariate(0, 0.7),
        )
        self.ngos.append(org)
        self._register(org)

    def _ngos_of(self, country: str, region: str | None = None) -> list[_Org]:
        """The country's NGOs, or one region's when ``region`` is a subdivision."""
        return [
            org
            for org in self.ngos
            if org.country == country and (region in (None, country) or org.data.region == region)
        ]

    # ---- competitions

    def _competition(
        self, funder: str, announced: date, *, budget: int = 1, **fields: Any
    ) -> _Competition:
        """A competition published on ``announced``. Competitions with awards get their budget
        from ``_fund`` once the awards are drawn; the placeholder is never written."""
        competition = _Competition(
            CompetitionCreate(funder_id=funder, budget=str(budget), **fields)
        )
        self.out.competitions.append(competition)
        writer = self.out.writer

        def publish(session: Session) -> None:
            competition.id = competition_service.publish(
                session, principal=writer.funders[funder], data=competition.data
            ).id

        self._op(announced, _COMPETITION, publish)
        return competition

    def _competition_event(
        self, competition: _Competition, when: date, event: CompetitionEventCreate
    ) -> None:
        writer = self.out.writer
        funder = competition.data.funder_id
        self.out.events += 1

        def run(session: Session) -> None:
            competition_service.add_event(
                session,
                principal=writer.funders[funder],
                competition_id=competition.id,
                event=event,
            )

        self._op(when, _COMPETITION_EVENT, run)

    def _results(self, competition: _Competition, when: date, winners: int) -> None:
        applications = winners * self.rng.randint(3, 7) + self.rng.randint(0, 9)
        organizations = round(applications * self.rng.uniform(0.8, 0.95))
        if competition.data.currency == "KZT":
            # The operator reports applications by language.
            kazakh = round(applications * self.rng.uniform(0.5, 0.65))
            russian = applications - kazakh
            self._stages(competition, when, applications, organizations, kazakh, russian)
            note = _text(
                kk=f"Қазақ тілінде {kazakh} өтінім, орыс тілінде {russian} өтінім",
                ru=f"На казахском языке {kazakh} заявок, на русском {russian}",
                en=f"{kazakh} applications in Kazakh, {russian} in Russian",
            )
        else:
            note = _text(
                uz=f"Komissiya {winners} ta gʻolibni aniqladi",
                ru=f"Комиссия определила {winners} победителей",
                en=f"The commission selected {winners} winners",
            )
        self._competition_event(
            competition,
            when,
            CompetitionResultsPublished(
                type="results_published",
                applications_received=applications,
                applicant_organizations=organizations,
                note=note,
            ),
        )

    def _stages(
        self,
        competition: _Competition,
        decided: date,
        applications: int,
        organizations: int,
        kazakh: int,
        russian: int,
    ) -> None:
        """The operator's stages before its results: intake closed (by language), the
        compliance check (about 10 working days), the expert commission, preliminary results."""
        closed = competition.data.window.closes.date()
        refused = round(applications * self.rng.uniform(0.1, 0.25))
        late = min(refused, self.rng.randint(0, 3))
        incomplete = self.rng.randint(0, refused - late)
        minutes = f"{competition.id} {decided.isoformat()} commission minutes".encode()
        stages: list[tuple[date, CompetitionEventCreate]] = [
            (
                closed + timedelta(days=1),  # recorded the morning after its 18:30 deadline
                ApplicationsClosed(
                    type="applications_closed",
                    date=closed,
                    applications=applications,
                    organizations=organizations,
                    by_language={ApplicationLanguage.KK: kazakh, ApplicationLanguage.RU: russian},
                ),
            ),
            (
                closed + timedelta(days=14),
                ComplianceChecked(
                    type="compliance_checked",
                    date=closed + timedelta(days=14),
                    admitted=applications - refused,
                    refused=refused,
                    reasons={
                        RefusalReason.LATE: late,
                        RefusalReason.INCOMPLETE_DOCUMENTS: incomplete,
                        RefusalReason.INELIGIBLE_APPLICANT: refused - late - incomplete,
                    },
                ),
            ),
            (
                decided - timedelta(days=6),
                CommissionDecided(
                    type="commission_decided",
                    date=decided - timedelta(days=6),
                    members=self.rng.randint(7, 11),
                    document_sha256=hashlib.sha256(minutes).hexdigest(),
                ),
            ),
            (
                decided - timedelta(days=3),
                PreliminaryResults(type="preliminary_results", date=decided - timedelta(days=3)),
            ),
        ]
        for when, event in stages:
            self._competition_event(competition, when, event)

    def _fund(self, competition: _Competition, awards: list[_Award], *, unit: int) -> None:
        """The budget the competition is published with: its awards' peak amounts plus what
        the commission did not give out, in round figures."""
        committed = sum(award.peak_amount for award in awards)
        budget = _round(committed * self.rng.uniform(1.04, 1.15) + unit / 2, unit)
        competition.data = competition.data.model_copy(update={"budget": str(budget)})

    # ---- awards

    def _recipients(self, pool: Sequence[_Org], count: int, themes: Sequence[str]) -> list[_Org]:
        """``count`` recipients, none twice until the pool runs out; an NGO working on one of
        the programme's themes is three times as likely to win."""
        chosen: list[_Org] = []
        this_round: set[str] = set()
        while len(chosen) < count:
            remaining = [org for org in pool if org.org_id not in this_round]
            if not remaining:
                this_round.clear()
                remaining = list(pool)
            weights = [org.activity * (3 if org.theme in themes else 1) for org in remaining]
            winner = self.rng.choices(remaining, weights=weights)[0]
            this_round.add(winner.org_id)
            chosen.append(winner)
        return chosen

    def _title(self, org: _Org, theme: str) -> dict[str, str]:
        assert org.place is not None
        kazakh = org.country == "KZ"
        place = org.place
        options = [
            project
            for project in PROJECTS[theme]
            if (not kazakh or project.kk is not None)
            and not (place.city and RURAL.search(project.en))
        ]
        project = self.rng.choice(options or PROJECTS["charity"])
        local = (
            {"kk": f"{place.kk_in} {project.kk}"}
            if kazakh
            else {"uz": f"{place.uz_in} {project.uz}"}
        )
        return local | {"ru": f"{project.ru} {place.ru_in}", "en": f"{project.en} {place.en_in}"}

    def _award(
        self,
        *,
        funder: str,
        recipient: _Org,
        competition: _Competition | None,
        instrument: Instrument,
        amount: int,
        currency: str,
        award_date: date,
        months: int,
        themes: Sequence[str],
        legal_basis: str | None = None,
        purpose: dict[str, str] | None = None,
        legal_unit: LegalUnitStatement | None = None,
    ) -> _Award:
        theme = (
            recipient.theme if recipient.theme in themes or not themes else self.rng.choice(themes)
        )
        start = award_date + timedelta(days=self.rng.randint(3, 20))  # the agreement
        end = start + timedelta(days=round(months * 30.44) - 1)
        if legal_unit is not None:  # stated in MCI: the band's length, to the day
            end = add_months(start, months) - timedelta(days=1)
        tranches = self.rng.choice((1, 2)) if months <= 4 else self.rng.choice((2, 2, 3, 3, 3))  # noqa: PLR2004
        award = _Award(
            funder=funder,
            recipient=recipient,
            competition=competition,
            instrument=instrument,
            title=self._title(recipient, theme),
            purpose=purpose,
            amount=amount,
            currency=currency,
            award_date=award_date,
            period=(start, end),
            legal_basis=legal_basis,
            themes=sorted({theme, recipient.theme}),
            tranches=tranches,
            legal_unit=legal_unit,
            peak_amount=amount,
        )
        self.out.awards.append(award)
        return award

    def _some_day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # ---- Uzbekistan: the Public Fund's grant rounds

    def _public_fund(self, counts: dict[str, int]) -> None:
        ngos = self._ngos_of("UZ")
        for number, opens, closes, decided, topic, themes in PUBLIC_FUND_ROUNDS:
            awards_from = decided
            competition = self._competition(
                PUBLIC_FUND,
                opens - timedelta(days=7),
                instrument=Instrument.GRANT,
                year=2026,
                round_number=number,
                title=_text(
                    uz=f"2026-yilgi {number}-grant tanlovi: {topic.uz}",
                    ru=f"{ORDINALS_RU[number]} грантовый конкурс 2026 года: {topic.ru}",
                    en=f"{ORDINALS_EN[number]} grant competition of 2026: {topic.en}",
                ),
                description=_text(
                    uz=PUBLIC_FUND_OBJECTIVES.uz.format(topic=topic.uz),
                    ru=PUBLIC_FUND_OBJECTIVES.ru.format(topic=topic.ru),
                    en=PUBLIC_FUND_OBJECTIVES.en.format(topic=topic.en),
                ),
                eligibility=UZ_ELIGIBILITY,
                themes=list(themes),
                currency="UZS",
                window=_window(opens, closes),
                region="UZ",
                legal_basis=PUBLIC_FUND_BASIS,
            )
            if number == EXTENDED_ROUND:
                extended = closes + timedelta(days=7)
                self._competition_event(
                    competition,
                    closes - timedelta(days=3),
                    CompetitionAmended(
                        type="amended",
                        changes=CompetitionChanges(window=_window(opens, extended)),
                        reason=REASONS["window extended"].uz,
                    ),
                )
                awards_from += extended - closes
            winners = counts[f"pf{number}"]
            self._results(competition, awards_from - timedelta(days=3), winners)
            awards = []
            for recipient in self._recipients(ngos, winners, themes):
                # Most grants are regional (30-60 M UZS); some Tashkent NGOs run national ones.
                national = recipient.data.region == "UZ-TK" and self.rng.random() < 0.3  # noqa: PLR2004
                amount = (
                    _round(self.rng.uniform(80e6, 150e6), 1_000_000)
                    if national
                    else _round(self.rng.uniform(30e6, 60e6), 100_000)
                )
                award_date = self._some_day(awards_from, awards_from + timedelta(days=11))
                awards.append(
                    self._award(
                        funder=PUBLIC_FUND,
                        recipient=recipient,
                        competition=competition,
                        instrument=Instrument.GRANT,
                        amount=amount,
                        currency="UZS",
                        award_date=award_date,
                        months=self.rng.choice((6, 6, 9, 12)),
                        themes=themes,
                    )
                )
            self._lifecycles(awards, unit=100_000)
            self._fund(competition, awards, unit=500_000_000)

    # ---- Uzbekistan: social orders of ministries and khokimiyats

    def _uz_social_orders(self, counts: dict[str, int]) -> None:
        for share, funder, region, themes, subject, opens, closes, sizes in UZ_SOCIAL_ORDERS:
            place = UZ_PLACES.get(region)
            title = (
                _text(
                    uz=f"{place.uz_in} {subject.uz} boʻyicha ijtimoiy buyurtma (2026)",
                    ru=f"Социальный заказ: {subject.ru} {place.ru_in} (2026)",
                    en=f"Social order: {subject.en} {place.en_in} (2026)",
                )
                if place
                else _text(
                    uz=f"{subject.uz.capitalize()} boʻyicha davlat ijtimoiy buyurtmasi (2026)",
                    ru=f"Государственный социальный заказ: {subject.ru} (2026)",
                    en=f"State social order: {subject.en} (2026)",
                )
            )
            competition = self._competition(
                funder,
                opens - timedelta(days=5),
                instrument=Instrument.SOCIAL_CONTRACT,
                year=2026,
                title=title,
                eligibility=UZ_ELIGIBILITY,
                themes=list(themes),
                currency="UZS",
                window=_window(opens, closes),
                region=region,
                legal_basis=UZ_SOCIAL_ORDER_BASIS,
            )
            awards_from = closes + timedelta(days=self.rng.randint(18, 30))
            self._results(competition, awards_from - timedelta(days=2), counts[share])
            awards = [
                self._award(
                    funder=funder,
                    recipient=recipient,
                    competition=competition,
                    instrument=Instrument.SOCIAL_CONTRACT,
                    amount=_round(self.rng.uniform(*sizes), 1_000_000),
                    currency="UZS",
                    award_date=self._some_day(awards_from, awards_from + timedelta(days=10)),
                    months=self.rng.choice((6, 8, 9)),
                    themes=themes,
                )
                for recipient in self._recipients(
                    self._ngos_of("UZ", region), counts[share], themes
                )
            ]
            self._lifecycles(awards, unit=1_000_000)
            self._fund(competition, awards, unit=100_000_000)

        subject = CANCELLED_ORDER
        cancelled = self._competition(
            ECOLOGY_MINISTRY,
            date(2026, 5, 13),
            instrument=Instrument.SOCIAL_CONTRACT,
            year=2026,
            title=_text(
                uz=f"{UZ_PLACES['UZ-QR'].uz_in} {subject.uz} boʻyicha ijtimoiy buyurtma (2026)",
                ru=f"Социальный заказ: {subject.ru} в Республике Каракалпакстан (2026)",
                en=f"Social order: {subject.en} in the Republic of Karakalpakstan (2026)",
            ),
            eligibility=UZ_ELIGIBILITY,
            themes=["climate", "rural development"],
            budget=2_400_000_000,
            currency="UZS",
            window=_window(date(2026, 5, 18), date(2026, 6, 16)),
            region="UZ-QR",
            legal_basis=UZ_SOCIAL_ORDER_BASIS,
        )
        self._competition_event(
            cancelled,
            date(2026, 6, 2),
            CompetitionCancelled(type="cancelled", reason=REASONS["competition cancelled"].uz),
        )

        subject = UNDER_REVIEW_ORDER  # closed, with the commission: no results yet
        self._competition(
            SAMARQAND_KHOKIMIYAT,
            date(2026, 10, 7),
            instrument=Instrument.SOCIAL_CONTRACT,
            year=2026,
            round_number=2,
            title=_text(
                uz=f"Samarqand viloyatida {subject.uz} boʻyicha ijtimoiy buyurtma "
                "(2026, 2-bosqich)",
                ru=f"Социальный заказ: {subject.ru} в Самаркандской области (2026, второй этап)",
                en=f"Social order: {subject.en} in Samarkand Region (2026, second stage)",
            ),
            eligibility=UZ_ELIGIBILITY,
            themes=["tourism", "ecology"],
            budget=900_000_000,
            currency="UZS",
            window=_window(date(2026, 10, 12), date(2026, 11, 6)),
            region="UZ-SA",
            legal_basis=UZ_SOCIAL_ORDER_BASIS,
        )

    # ---- Uzbekistan: subsidies without a competition

    def _uz_direct(self, count: int) -> None:
        funders = [funder for funder, _, _ in DIRECT_FUNDERS]
        weights = [weight for _, weight, _ in DIRECT_FUNDERS]
        bases = {funder: basis for funder, _, basis in DIRECT_FUNDERS}
        regions = {spec.org_id: spec.region for spec in FUNDERS}
        awards = []
        for _ in range(count):
            funder = self.rng.choices(funders, weights=weights)[0]
            recipient = self._recipients(self._ngos_of("UZ", regions[funder]), 1, ())[0]
            award_date = self._some_day(date(2025, 9, 1), AS_OF - timedelta(days=10))
            decided = award_date - timedelta(days=self.rng.randint(3, 20))
            # Decree numbers grow through the year, a little over one a day.
            number = round(decided.timetuple().tm_yday * 1.15) + self.rng.randint(0, 6)
            median_50m = self.rng.lognormvariate(17.73, 0.6)
            amount = min(DIRECT_AWARD_CEILING_UZS, max(15_000_000, _round(median_50m, 100_000)))
            awards.append(
                self._award(
                    funder=funder,
                    recipient=recipient,
                    competition=None,
                    instrument=Instrument.SUBSIDY,
                    amount=amount,
                    currency="UZS",
                    award_date=award_date,
                    months=self.rng.choice((3, 6, 6, 9, 12)),
                    themes=(),
                    legal_basis=bases[funder].format(number=number, date=_dotted(decided)),
                )
            )
        self._lifecycles(awards, unit=100_000, ceiling=DIRECT_AWARD_CEILING_UZS)

    # ---- cases for the risk indicators

    def _risk_cases(self) -> None:
        """Awards and competitions that raise each risk indicator (registry/risks) at least
        once, so that the portal and the API have something to explain, whatever the demo's
        size (the drawn data of a large demo raises a few split direct awards as well)."""
        uz = sorted(self._ngos_of("UZ"), key=lambda org: org.org_id)
        near, split, winner, other = self.rng.sample(uz, 4)
        basis = "Samarqand viloyati hokimining {number}-son qarori, {date}"
        # Close to the cap (96% of 1,000 × BRV), and two that pass it together within a year.
        for recipient, amount, day in (
            (near, 396_000_000, date(2026, 5, 20)),
            (split, 250_000_000, date(2026, 4, 10)),
            (split, 230_000_000, date(2026, 7, 15)),
        ):
            self._award(
                funder=SAMARQAND_KHOKIMIYAT,
                recipient=recipient,
                competition=None,
                amount=amount,
                award_date=day,
                legal_basis=basis.format(number=day.timetuple().tm_yday, date=_dotted(day)),
                instrument=Instrument.SUBSIDY,
                currency="UZS",
                themes=(),
                months=9,
            )
        # Entered into the ledger 105 days after it was decided.
        late = self._award(
            funder=PUBLIC_FUND,
            recipient=other,
            competition=None,
            amount=45_000_000,
            award_date=date(2026, 3, 2),
            legal_basis="Parlament komissiyasining 71-son qarori, 27.02.2026",
            instrument=Instrument.SUBSIDY,
            currency="UZS",
            themes=(),
            months=9,
        )
        late.published_on = date(2026, 6, 15)
        self._urgent_round()
        self._youth_rounds(winner)
        self._samarqand_rounds(winner, other)

    def _urgent_round(self) -> None:
        """The Public Fund's six-day round (its others run a month), entered into the register
        on its third day, four days before it closed: one application admitted, from an NGO
        registered six weeks before, whose award is then raised by 35%."""
        opens, closes = date(2026, 6, 1), date(2026, 6, 7)
        competition = self._competition(
            PUBLIC_FUND,
            opens + timedelta(days=2),
            instrument=Instrument.GRANT,
            year=2026,
            title=_text(
                uz="Favqulodda grant tanlovi: suv toshqinidan zarar koʻrganlarga yordam",
                ru="Срочный грантовый конкурс: помощь пострадавшим от паводка",
                en="Urgent grant round: help for flood victims",
            ),
            themes=["social protection", "disaster relief"],
            currency="UZS",
            window=_window(opens, closes),
            region="UZ",
            legal_basis=PUBLIC_FUND_BASIS,
        )
        for when, event in (
            (
                closes + timedelta(days=1),  # recorded the morning after its 18:00 deadline
                ApplicationsClosed(
                    type="applications_closed",
                    date=closes,
                    applications=3,
                    organizations=3,
                    by_language={ApplicationLanguage.UZ: 3},
                ),
            ),
            (
                closes + timedelta(days=3),
                ComplianceChecked(
                    type="compliance_checked",
                    date=closes + timedelta(days=3),
                    admitted=1,
                    refused=2,
                    reasons={RefusalReason.INCOMPLETE_DOCUMENTS: 2},
                ),
            ),
            (
                closes + timedelta(days=5),
                CommissionDecided(
                    type="commission_decided",
                    date=closes + timedelta(days=5),
                    members=7,
                    extract=_text(
                        uz="Komissiya yagona qabul qilingan arizani qoʻllab-quvvatladi",
                        ru="Комиссия поддержала единственную допущенную заявку",
                        en="The commission supported the only admitted application",
                    ),
                ),
            ),
            (
                closes + timedelta(days=6),
                CompetitionResultsPublished(
                    type="results_published",
                    applications_received=3,
                    applicant_organizations=3,
                    note=_text(
                        uz="Komissiya 1 ta gʻolibni aniqladi",
                        ru="Комиссия определила 1 победителя",
                        en="The commission selected 1 winner",
                    ),
                ),
            ),
        ):
            self._competition_event(competition, when, event)
        like = min(self._ngos_of("UZ"), key=lambda org: org.org_id)  # its place and field
        newcomer = _Org(
            OrganizationCreate(
                org_id=self._stir(),
                name=_text(
                    uz="«Yordam qoʻli» nodavlat notijorat tashkiloti",
                    ru="Негосударственная некоммерческая организация «Рука помощи»",
                    en="Helping Hand NGO",
                ),
                kind=OrganizationKind.NGO,
                legal_form=like.data.legal_form,
                region=like.data.region,
                registration_date=date(2026, 4, 20),
            ),
            place=like.place,
            theme=like.theme,
        )
        self.ngos.append(newcomer)
        self._register(newcomer, when=date(2026, 4, 27))  # recorded a week after it was
        award = self._award(
            funder=PUBLIC_FUND,
            recipient=newcomer,
            competition=competition,
            instrument=Instrument.GRANT,
            amount=80_000_000,
            currency="UZS",
            award_date=closes + timedelta(days=8),
            months=6,
            themes=(like.theme,),
        )
        award.peak_amount = 108_000_000
        award.steps.append(
            _Step(
                date(2026, 8, 10),
                AwardAmended(
                    type="amended",
                    amount="108000000",
                    reason="Qoʻshimcha oilalarga yordam koʻrsatish uchun",
                ),
            )
        )
        self._fund(competition, [award], unit=1_000_000)

    def _youth_rounds(self, winner: _Org) -> None:
        """The Youth Agency's small rounds of 2024, 2025 and 2026, all won by one NGO."""
        for year in (2024, 2025, 2026):
            self._small_round(
                YOUTH_AGENCY,
                date(year, 3, 1),
                [(winner, 60_000_000, None)],
                title=_text(
                    uz=f"{year}-yil yoshlar tashabbuslari tanlovi",
                    ru=f"Конкурс молодёжных инициатив {year} года",
                    en=f"Youth initiatives round {year}",
                ),
                legal_basis="PQ-112-son qaror, 05.02.2024",
            )

    def _samarqand_rounds(self, winner: _Org, other: _Org) -> None:
        """The Samarqand khokimiyat's two rounds of 2025 (its only competitions that year): one
        NGO gets two of their three awards and most of the money; one is made before its round
        closed, with the reason."""
        title = _text(
            uz="Samarqand viloyati mahallalarini obodonlashtirish tanlovi",
            ru="Конкурс по благоустройству махаллей Самаркандской области",
            en="Samarqand mahalla improvement round",
        )
        basis = "Samarqand viloyati hokimining 214-son qarori, 02.02.2026"
        self._small_round(
            SAMARQAND_KHOKIMIYAT,
            date(2025, 4, 1),
            [(winner, 150_000_000, None), (other, 20_000_000, None)],
            title=title,
            legal_basis=basis,
        )
        self._small_round(
            SAMARQAND_KHOKIMIYAT,
            date(2025, 9, 1),
            [(winner, 150_000_000, "Qurilish mavsumi tugashidan oldin ishlarni boshlash uchun")],
            title=title,
            legal_basis=basis,
        )

    def _small_round(
        self,
        funder: str,
        opens: date,
        winners: Sequence[tuple[_Org, int, str | None]],
        *,
        title: LocalizedText,
        legal_basis: str,
    ) -> None:
        """A month-long round with these (recipient, amount, award-before-close reason)
        winners, awarded 12 days after it closes (or 3 days before, with a reason)."""
        closes = opens + timedelta(days=30)
        competition = self._competition(
            funder,
            opens - timedelta(days=5),
            instrument=Instrument.GRANT,
            year=opens.year,
            title=title,
            themes=["youth"],
            currency="UZS",
            window=_window(opens, closes),
            region="UZ",
            legal_basis=legal_basis,
        )
        awards = []
        for recipient, amount, early in winners:
            award = self._award(
                funder=funder,
                recipient=recipient,
                competition=competition,
                instrument=Instrument.GRANT,
                amount=amount,
                currency="UZS",
                award_date=closes - timedelta(days=3) if early else closes + timedelta(days=12),
                months=6,
                themes=(recipient.theme,),
            )
            award.award_before_close = early
            awards.append(award)
        # Its results are published the morning its winners' awards are made.
        self._competition_event(
            competition,
            closes + timedelta(days=12),
            CompetitionResultsPublished(
                type="results_published",
                note=_text(
                    uz=f"Komissiya {len(winners)} ta gʻolibni aniqladi",
                    ru=f"Комиссия определила победителей: {len(winners)}",
                    en=f"Winners selected by the commission: {len(winners)}",
                ),
            ),
        )
        self._fund(competition, awards, unit=1_000_000)

    # ---- Kazakhstan

    def _kz_grants(self, counts: dict[str, int]) -> None:
        themes = ("youth", "ecology", "education", "disability", "culture", "civic oversight")
        for share, title, opens, closes, kinds in KZ_GRANT_COMPETITIONS:
            competition = self._competition(
                KZ_OPERATOR,
                opens - timedelta(days=10),
                instrument=Instrument.GRANT,
                year=2026,
                title=_text(kk=title.kk, ru=title.ru, en=title.en),
                description=KZ_STAGES,
                eligibility=KZ_ELIGIBILITY,
                themes=list(themes),
                currency="KZT",
                window=_window(opens, closes, closing=(18, 30)),
                region="KZ",
                legal_basis=KZ_BASIS,
            )
            # Compliance check (about 10 working days) and expert commission (about 15).
            decided = closes + timedelta(days=self.rng.randint(33, 40))
            self._results(competition, decided, counts[share])
            awards = []
            for recipient in self._recipients(self._ngos_of("KZ"), counts[share], themes):
                kind, (low, high), months = self.rng.choices(kinds, weights=[7, 3][: len(kinds)])[0]
                mci = _round(self.rng.uniform(low, high), 50)
                # Russian and Kazakh group thousands with a (no-break) space.
                units = f"{mci:,}".replace(",", "\u00a0")
                value = f"{KZ_MCI_2026:,}".replace(",", "\u00a0")
                purpose = {
                    "kk": f"{kind.kk}: {units} АЕК × {value} теңге (2026 жылғы АЕК)",
                    "ru": f"{kind.ru}: {units} МРП × {value} тенге (МРП 2026 года)",
                    "en": f"{kind.en}: {mci:,} MCI × {KZ_MCI_2026:,} KZT (the 2026 MCI)",
                }
                awards.append(
                    self._award(
                        funder=KZ_OPERATOR,
                        recipient=recipient,
                        competition=competition,
                        instrument=Instrument.GRANT,
                        amount=mci * KZ_MCI_2026,
                        currency="KZT",
                        award_date=self._some_day(decided, decided + timedelta(days=10)),
                        months=self.rng.choice(months),
                        themes=themes,
                        purpose=purpose,
                        legal_unit=LegalUnitStatement(
                            unit=LegalUnit.MCI, multiplier=str(mci), on=date(2026, 1, 1)
                        ),
                    )
                )
            self._lifecycles(awards, unit=KZ_MCI_2026)
            self._fund(competition, awards, unit=10_000_000)

    def _kz_social_order(self, count: int) -> None:
        themes = ("elderly", "disability", "youth", "family", "social protection")
        opens, closes = date(2026, 1, 12), date(2026, 2, 6)
        competition = self._competition(
            ALMATY_DEPARTMENT,
            opens - timedelta(days=7),
            instrument=Instrument.SOCIAL_CONTRACT,
            year=2026,
            title=_text(
                kk="Алматы қаласының 2026 жылғы мемлекеттік әлеуметтік тапсырысы",
                ru="Государственный социальный заказ города Алматы на 2026 год",
                en="Almaty state social order 2026",
            ),
            eligibility=KZ_ELIGIBILITY,
            themes=list(themes),
            currency="KZT",
            window=_window(opens, closes, closing=(18, 30)),
            region="KZ-75",
            legal_basis=KZ_BASIS,
        )
        awards_from = closes + timedelta(days=24)
        self._results(competition, awards_from - timedelta(days=2), count)
        awards = [
            self._award(
                funder=ALMATY_DEPARTMENT,
                recipient=recipient,
                competition=competition,
                instrument=Instrument.SOCIAL_CONTRACT,
                amount=_round(self.rng.uniform(2.5e6, 25e6), 10_000),
                currency="KZT",
                award_date=self._some_day(awards_from, awards_from + timedelta(days=10)),
                months=self.rng.choice((6, 8, 9)),
                themes=themes,
            )
            for recipient in self._recipients(self._ngos_of("KZ", "KZ-75"), count, themes)
        ]
        self._lifecycles(awards, unit=10_000)
        self._fund(competition, awards, unit=10_000_000)

    def _kz_prizes(self, count: int) -> None:
        """A fixed sum for past work, no project: paid at once and done."""
        themes = ("culture", "charity", "volunteering", "civic oversight")
        opens, closes = date(2026, 5, 4), date(2026, 5, 29)
        competition = self._competition(
            KZ_CULTURE_MINISTRY,
            opens - timedelta(days=10),
            instrument=Instrument.PRIZE,
            year=2026,
            title=_text(
                kk="Үкіметтік емес ұйымдарға арналған 2026 жылғы сыйлықтар",
                ru="Премии для неправительственных организаций 2026 года",
                en="NGO prizes 2026",
            ),
            eligibility=KZ_ELIGIBILITY,
            themes=list(themes),
            budget=KZ_PRIZES_PER_YEAR * KZ_PRIZE_KZT,
            currency="KZT",
            window=_window(opens, closes, closing=(18, 30)),
            region="KZ",
            legal_basis=KZ_BASIS,
        )
        awarded = date(2026, 7, 1)
        self._results(competition, awarded, count)
        for recipient in self._recipients(self._ngos_of("KZ"), count, themes):
            award = self._award(
                funder=KZ_CULTURE_MINISTRY,
                recipient=recipient,
                competition=competition,
                instrument=Instrument.PRIZE,
                amount=KZ_PRIZE_KZT,
                currency="KZT",
                award_date=awarded,
                months=0,
                themes=themes,
            )
            award.title = {"kk": "ҮЕҰ сыйлығы", "ru": "Премия для НПО", "en": "NGO prize"}
            award.purpose = PRIZE_PURPOSE
            award.period = None  # a prize has no implementation period
            paid = awarded + timedelta(days=self.rng.randint(7, 20))
            award.tranches = 1
            award.steps = [
                _Step(
                    paid,
                    AwardDisbursed(
                        type="disbursed", amount=str(KZ_PRIZE_KZT), date=paid, tranche=1
                    ),
                ),
                _Step(paid, AwardCompleted(type="completed", date=paid)),
            ]

    # ---- one competition open today and one planned for next January

    def _open_and_planned(self) -> None:
        """Placed relative to today, and written after the history whatever today is."""
        opens = self.today - timedelta(days=7)
        subject = OPEN_ORDER
        self._competition(
            TASHKENT_KHOKIMIYAT,
            date.max,
            instrument=Instrument.SOCIAL_CONTRACT,
            year=opens.year,
            round_number=2,
            title=_text(
                uz=f"Toshkent shahrida {subject.uz} boʻyicha ijtimoiy buyurtma",
                ru=f"Социальный заказ: {subject.ru} в городе Ташкенте",
                en=f"Social order: {subject.en} in Tashkent City",
            ),
            eligibility=UZ_ELIGIBILITY,
            themes=["disability", "employment", "youth"],
            budget=1_500_000_000,
            currency="UZS",
            window=_window(opens, self.today + timedelta(days=21)),
            region="UZ-TK",
            legal_basis=UZ_SOCIAL_ORDER_BASIS,
        )
        opens = date(self.today.year + 1, 1, 20)
        topic = PLANNED_ROUND_TOPIC
        self._competition(
            PUBLIC_FUND,
            date.max,
            instrument=Instrument.GRANT,
            year=opens.year,
            round_number=1,
            title=_text(
                uz=f"{opens.year}-yilgi 1-grant tanlovi: {topic.uz}",
                ru=f"Первый грантовый конкурс {opens.year} года: {topic.ru}",
                en=f"First grant competition of {opens.year}: {topic.en}",
            ),
            eligibility=UZ_ELIGIBILITY,
            themes=["mahalla", "volunteering", "civic oversight"],
            budget=15_000_000_000,
            currency="UZS",
            window=_window(opens, opens + timedelta(days=30)),
            region="UZ",
            legal_basis=PUBLIC_FUND_BASIS,
        )

    # ---- what happens to an award after it is made

    def _lifecycles(self, awards: list[_Award], *, unit: int, ceiling: int | None = None) -> None:
        for award in awards:
            _Lifecycle(self, award, unit=unit, ceiling=ceiling).run()

    def special_for(self, award: _Award) -> str | None:
        """Which rare event befalls the award, if any: the first awards with time enough for
        one get one of each, the rest by ``SPECIAL_EVENT_ODDS``."""
        if award.tranches < 2 or award.award_date + timedelta(days=90) > AS_OF:  # noqa: PLR2004
            return None
        if self.unplaced_specials:
            return self.unplaced_specials.pop(0)
        roll = self.rng.random()
        for kind, odds in SPECIAL_EVENT_ODDS:
            if roll < odds:
                return kind
            roll -= odds
        return None

    def _award_operations(self, award: _Award) -> None:
        writer = self.out.writer

        def publish(session: Session) -> None:
            award.id = award_service.publish(
                session, principal=writer.funders[award.funder], data=award.create()
            ).id

        self._op(award.published_on or award.award_date, _AWARD, publish)
        for step in award.steps:
            self.out.events += 1

            def run(session: Session, step: _Step = step) -> None:
                written = award_service.add_event(
                    session,
                    principal=writer.funders[award.funder],
                    award_id=award.id,
                    event=step.build(),
                )
                step.seq = written.updated_seq  # the seq of the entry just written

            self._op(step.when, _AWARD_EVENT, run)


class _Lifecycle:
    """An award's tranches, reports, amendments and end, each dated no earlier than the one
    before and none after ``AS_OF``."""

    def __init__(self, planner: _Planner, award: _Award, *, unit: int, ceiling: int | None) -> None:
        self.rng = planner.rng
        self.award = award
        self.special = planner.special_for(award)
        self.unit = unit  # tranches are whole multiples of it (for KZT grants: one MCI)
        self.ceiling = ceiling
        self.cursor = award.award_date
        self.kazakh = award.currency == "KZT"

    def add(self, when: date, event: _PlainEvent | None = None, **correction: Any) -> _Step | None:
        """Record ``event`` on ``when`` (or on the last event's day if that is later); None,
        and nothing recorded, if that is after ``AS_OF``."""
        when = max(when, self.cursor)
        if when > AS_OF:
            return None
        if isinstance(event, AwardDisbursed | AwardReported | AwardCompleted | AwardTerminated):
            event = event.model_copy(update={"date": when})
        self.cursor = when
        step = _Step(when, event, **correction)
        self.award.steps.append(step)
        return step

    def reason(self, key: str) -> str:
        """In the funder's working language: Uzbek in Uzbekistan, Russian in Kazakhstan."""
        words = REASONS[key]
        return words.ru if self.kazakh else words.uz

    def run(self) -> None:
        award, rng = self.award, self.rng
        assert award.period is not None, "a prize is paid at once, with no lifecycle to plan"
        start, end = award.period
        split = rng.choice(SPLITS[award.tranches])
        if self.special == "duplicate" and split[0] > 50:  # noqa: PLR2004 - twice must fit
            split = SPLITS[award.tranches][-1 if award.tranches == 3 else 0]  # noqa: PLR2004
        amount, paid = award.amount, 0
        duration = (end - start).days
        for index, share in enumerate(split):
            due = start + timedelta(days=duration * index // len(split) + rng.randint(2, 12))
            if index > 0 and self.interim_report(due, index, len(split)) is None:
                return
            last = index == len(split) - 1
            # Round down, so that no tranche but the last takes more than its share (a
            # first tranche of half, recorded twice, must still fit the amount).
            due_share = (amount - paid) * share // sum(split[index:])
            value = amount - paid if last else due_share // self.unit * self.unit
            if value <= 0:
                return
            if self.tranche(due, value, index) is None:
                return
            paid += value
            if index == 0 and self.special == "terminate":
                self.terminate(duration)
                return
            if index == 0 and self.special is None and not last and rng.random() < 0.03:  # noqa: PLR2004
                amount = self.amend_amount(amount, paid)
        self.ending(end)

    def interim_report(self, due: date, index: int, tranches: int) -> _Step | None:
        percent = round(100 * index / tranches) + self.rng.randint(-5, 5)
        local = "kk" if self.kazakh else "uz"
        template = INTERIM_REPORT
        summary = _text(
            **{local: getattr(template, local).format(percent=percent)},
            ru=template.ru.format(percent=percent),
        )
        when = due - timedelta(days=self.rng.randint(4, 10))
        return self.add(when, AwardReported(type="reported", date=when, summary=summary))

    def tranche(self, due: date, value: int, index: int) -> _Step | None:
        mistyped = self.special == "mistyped" and index == 0
        recorded = value // 10 if mistyped else value  # a zero dropped when typing it in
        step = self.add(
            due,
            AwardDisbursed(type="disbursed", amount=str(recorded), date=due, tranche=index + 1),
        )
        if step is None or index > 0:
            return step
        if mistyped:
            self.add(
                step.when + timedelta(days=self.rng.randint(1, 6)),
                corrects=step,
                reason=self.reason("tranche mistyped"),
                changes={"amount": str(value)},
            )
        if self.special == "duplicate":
            duplicate = self.add(step.when, step.event)
            self.add(
                step.when + timedelta(days=self.rng.randint(1, 3)),
                corrects=duplicate,
                reason=self.reason("tranche duplicated"),
            )
        return step

    def terminate(self, duration: int) -> None:
        when = min(
            AS_OF, self.cursor + timedelta(days=self.rng.randint(30, max(31, duration // 2)))
        )
        self.add(
            when, AwardTerminated(type="terminated", date=when, reason=self.reason("terminated"))
        )

    def amend_amount(self, amount: int, paid: int) -> int:
        if self.rng.random() < 0.6:  # noqa: PLR2004
            new = _round(amount * self.rng.uniform(1.05, 1.2), self.unit)
            if self.ceiling is not None:
                new = min(new, self.ceiling)
            reason = self.reason("amount increased")
        else:
            new = max(paid + self.unit, _round(amount * self.rng.uniform(0.85, 0.95), self.unit))
            reason = self.reason("amount decreased")
        if new == amount:
            return amount
        when = self.cursor + timedelta(days=self.rng.randint(10, 40))
        if self.add(when, AwardAmended(type="amended", amount=str(new), reason=reason)) is None:
            return amount
        self.award.peak_amount = max(self.award.peak_amount, new)
        return new

    def ending(self, end: date) -> None:
        """Sometimes an extension; then the final report and, once it is accepted, completion."""
        rng = self.rng
        if self.special is None and rng.random() < 0.07:  # noqa: PLR2004
            extended = end + timedelta(days=rng.choice((30, 61, 92)))
            assert self.award.period is not None  # run() has checked
            period = Period(start=self.award.period[0], end=extended)
            reason = self.reason(rng.choice(("extended: weather", "extended: supplier")))
            when = end - timedelta(days=rng.randint(10, 30))
            if self.add(when, AwardAmended(type="amended", period=period, reason=reason)) is None:
                return
            end = extended
        people = rng.randint(40, 1500)
        local = "kk" if self.kazakh else "uz"
        summary = _text(
            **{local: getattr(FINAL_REPORT, local).format(people=people)},
            ru=FINAL_REPORT.ru.format(people=people),
        )
        reported = end + timedelta(days=rng.randint(5, 25))
        report = AwardReported(type="reported", date=reported, summary=summary)
        if self.add(reported, report) is None:
            return
        if rng.random() < 0.9:  # noqa: PLR2004 - a few final reports are still being reviewed
            completed = reported + timedelta(days=rng.randint(5, 20))
            note = self.reason("completed")
            self.add(completed, AwardCompleted(type="completed", date=completed, note=note))


# --- Funders ----------------------------------------------------------------------------------


def _kz_bin(first_eleven: str) -> str:
    """A BIN with its check digit; the funders' numbers are chosen so that one exists."""
    check = kz_bin_check_digit(first_eleven)
    if check is None:
        raise ValueError(f"no BIN starts with {first_eleven}")
    return f"KZ-BIN-{first_eleven}{check}"


class _FunderSpec(NamedTuple):
    org_id: str
    kind: OrganizationKind
    region: str
    legal_form: str
    name: dict[str, str]


PUBLIC_FUND: Final = "UZ-STIR-207050449"
YOUTH_AGENCY: Final = "UZ-STIR-201122919"
HEALTH_MINISTRY: Final = "UZ-STIR-201587416"
ECOLOGY_MINISTRY: Final = "UZ-STIR-200935648"
SOCIAL_AGENCY: Final = "UZ-STIR-305640129"
TASHKENT_KHOKIMIYAT: Final = "UZ-STIR-201054327"
SAMARQAND_KHOKIMIYAT: Final = "UZ-STIR-200791536"
FERGANA_KHOKIMIYAT: Final = "UZ-STIR-201372845"
KZ_OPERATOR: Final = _kz_bin("16084000012")
ALMATY_DEPARTMENT: Final = _kz_bin("13024000375")
KZ_CULTURE_MINISTRY: Final = _kz_bin("23094000481")

FUNDERS: Final = (
    _FunderSpec(
        PUBLIC_FUND,
        OrganizationKind.PUBLIC_FUND,
        "UZ",
        "jamoat fondi",
        {
            "uz": "Oliy Majlis huzuridagi Fuqarolik jamiyati institutlarini "
            "qoʻllab-quvvatlash jamoat fondi",
            "ru": "Общественный фонд поддержки институтов гражданского общества при Олий Мажлисе",
            "en": "Public Fund for Supporting Civil Society Institutions under the Oliy Majlis",
        },
    ),
    _FunderSpec(
        YOUTH_AGENCY,
        OrganizationKind.STATE_BODY,
        "UZ",
        "davlat organi",
        {
            "uz": "Oʻzbekiston Respublikasi Yoshlar ishlari agentligi",
            "ru": "Агентство по делам молодёжи Республики Узбекистан",
            "en": "Youth Affairs Agency of the Republic of Uzbekistan",
        },
    ),
    _FunderSpec(
        HEALTH_MINISTRY,
        OrganizationKind.STATE_BODY,
        "UZ",
        "davlat organi",
        {
            "uz": "Oʻzbekiston Respublikasi Sogʻliqni saqlash vazirligi",
            "ru": "Министерство здравоохранения Республики Узбекистан",
            "en": "Ministry of Health of the Republic of Uzbekistan",
        },
    ),
    _FunderSpec(
        ECOLOGY_MINISTRY,
        OrganizationKind.STATE_BODY,
        "UZ",
        "davlat organi",
        {
            "uz": "Oʻzbekiston Respublikasi Ekologiya, atrof-muhitni muhofaza qilish "
            "va iqlim oʻzgarishi vazirligi",
            "ru": "Министерство экологии, охраны окружающей среды и изменения климата "
            "Республики Узбекистан",
            "en": "Ministry of Ecology, Environmental Protection and Climate Change "
            "of the Republic of Uzbekistan",
        },
    ),
    _FunderSpec(
        SOCIAL_AGENCY,
        OrganizationKind.STATE_BODY,
        "UZ",
        "davlat organi",
        {
            "uz": "Oʻzbekiston Respublikasi Prezidenti huzuridagi Ijtimoiy himoya milliy agentligi",
            "ru": "Национальное агентство социальной защиты при Президенте Республики Узбекистан",
            "en": "National Agency for Social Protection "
            "under the President of the Republic of Uzbekistan",
        },
    ),
    _FunderSpec(
        TASHKENT_KHOKIMIYAT,
        OrganizationKind.STATE_BODY,
        "UZ-TK",
        "hokimlik",
        {
            "uz": "Toshkent shahar hokimligi",
            "ru": "Хокимият города Ташкента",
            "en": "Tashkent City Khokimiyat",
        },
    ),
    _FunderSpec(
        SAMARQAND_KHOKIMIYAT,
        OrganizationKind.STATE_BODY,
        "UZ-SA",
        "hokimlik",
        {
            "uz": "Samarqand viloyati hokimligi",
            "ru": "Хокимият Самаркандской области",
            "en": "Samarkand Regional Khokimiyat",
        },
    ),
    _FunderSpec(
        FERGANA_KHOKIMIYAT,
        OrganizationKind.STATE_BODY,
        "UZ-FA",
        "hokimlik",
        {
            "uz": "Fargʻona viloyati hokimligi",
            "ru": "Хокимият Ферганской области",
            "en": "Fergana Regional Khokimiyat",
        },
    ),
    _FunderSpec(
        KZ_OPERATOR,
        OrganizationKind.GRANT_OPERATOR,
        "KZ-71",
        "коммерциялық емес акционерлік қоғам (НАО)",
        {
            "kk": "«Азаматтық бастамаларды қолдау орталығы» коммерциялық емес акционерлік қоғамы",
            "ru": "НАО «Центр поддержки гражданских инициатив»",
            "en": "Civil Initiatives Support Centre NJSC",
        },
    ),
    _FunderSpec(
        ALMATY_DEPARTMENT,
        OrganizationKind.STATE_BODY,
        "KZ-75",
        "мемлекеттік мекеме (ГУ)",
        {
            "kk": "Алматы қаласының Қоғамдық даму басқармасы",
            "ru": "Управление общественного развития города Алматы",
            "en": "Almaty City Department of Public Development",
        },
    ),
    _FunderSpec(
        KZ_CULTURE_MINISTRY,
        OrganizationKind.STATE_BODY,
        "KZ",
        "мемлекеттік мекеме (ГУ)",
        {
            "kk": "Қазақстан Республикасы Мәдениет және ақпарат министрлігі",
            "ru": "Министерство культуры и информации Республики Казахстан",
            "en": "Ministry of Culture and Information of the Republic of Kazakhstan",
        },
    ),
)

DIRECT_FUNDERS: Final = (
    # who, how often, the legal basis (number and date of the decision)
    (PUBLIC_FUND, 4, "Parlament komissiyasining {number}-son qarori, {date}"),
    (YOUTH_AGENCY, 2, "PQ-{number}-son qaror, {date}"),
    (HEALTH_MINISTRY, 1, "VMQ-{number}-son qaror, {date}"),
    (SOCIAL_AGENCY, 2, "PQ-{number}-son qaror, {date}"),
    (TASHKENT_KHOKIMIYAT, 1, "Toshkent shahar hokimining {number}-son qarori, {date}"),
    (SAMARQAND_KHOKIMIYAT, 1, "Samarqand viloyati hokimining {number}-son qarori, {date}"),
)
"""Who gives subsidies without a competition, and on what basis."""


# --- Places, names and words ------------------------------------------------------------------


class _Place(NamedTuple):
    """A region's name in the forms the generated texts need."""

    en: str
    en_in: str
    ru_of: str  # genitive: Общественное объединение «…» Самаркандской области
    ru_in: str  # … в Самаркандской области
    uz: str = ""  # Samarqand viloyati «…» jamoat birlashmasi; Toshkent shahar «…» …
    uz_in: str = ""  # Samarqand viloyatida …
    kk_of: str = ""  # Алматы қаласының «…» қоғамдық бірлестігі
    kk_in: str = ""  # Алматы қаласында …
    city: bool = False  # no village or farm projects here


def _uz(
    uz: str, ru_of: str, en: str, *, uz_in: str = "", ru_in: str = "", en_in: str = ""
) -> _Place:
    return _Place(
        en=en,
        en_in=en_in or f"in {en}",
        ru_of=ru_of,
        ru_in=ru_in or f"в {ru_of}",
        uz=uz,
        uz_in=uz_in or f"{uz}da",  # viloyati -> viloyatida, Respublikasi -> Respublikasida
        city=uz.endswith("shahar"),
    )


def _kz(kk_of: str, ru_of: str, en: str, *, ru_in: str = "") -> _Place:
    return _Place(
        en=en,
        en_in=f"in {en}",
        ru_of=ru_of,
        ru_in=ru_in or f"в {ru_of}",
        kk_of=kk_of,
        kk_in=kk_of.removesuffix("ның") + "нда",  # қаласының -> қаласында
        city="қаласы" in kk_of,
    )


UZ_PLACES: Final = {
    "UZ-AN": _uz("Andijon viloyati", "Андижанской области", "Andijan Region"),
    "UZ-BU": _uz("Buxoro viloyati", "Бухарской области", "Bukhara Region"),
    "UZ-FA": _uz("Fargʻona viloyati", "Ферганской области", "Fergana Region"),
    "UZ-JI": _uz("Jizzax viloyati", "Джизакской области", "Jizzakh Region"),
    "UZ-NG": _uz("Namangan viloyati", "Наманганской области", "Namangan Region"),
    "UZ-NW": _uz("Navoiy viloyati", "Навоийской области", "Navoi Region"),
    "UZ-QA": _uz("Qashqadaryo viloyati", "Кашкадарьинской области", "Kashkadarya Region"),
    "UZ-QR": _uz(
        "Qoraqalpogʻiston Respublikasi",
        "Республики Каракалпакстан",
        "Republic of Karakalpakstan",
        ru_in="в Республике Каракалпакстан",
        en_in="in the Republic of Karakalpakstan",
    ),
    "UZ-SA": _uz("Samarqand viloyati", "Самаркандской области", "Samarkand Region"),
    "UZ-SI": _uz("Sirdaryo viloyati", "Сырдарьинской области", "Syrdarya Region"),
    "UZ-SU": _uz("Surxondaryo viloyati", "Сурхандарьинской области", "Surkhandarya Region"),
    "UZ-TK": _uz(
        "Toshkent shahar",
        "города Ташкента",
        "Tashkent City",
        uz_in="Toshkent shahrida",
        ru_in="в городе Ташкенте",
    ),
    "UZ-TO": _uz("Toshkent viloyati", "Ташкентской области", "Tashkent Region"),
    "UZ-XO": _uz("Xorazm viloyati", "Хорезмской области", "Khorezm Region"),
}
"""Every Uzbek region (the planner checks the codes against ``regions_of("UZ")``)."""

KZ_PLACES: Final = {
    "KZ-71": _kz("Астана қаласының", "города Астаны", "Astana", ru_in="в городе Астане"),
    "KZ-75": _kz("Алматы қаласының", "города Алматы", "Almaty", ru_in="в городе Алматы"),
    "KZ-79": _kz("Шымкент қаласының", "города Шымкента", "Shymkent", ru_in="в городе Шымкенте"),
    "KZ-19": _kz("Алматы облысының", "Алматинской области", "Almaty Region"),
    "KZ-35": _kz("Қарағанды облысының", "Карагандинской области", "Karaganda Region"),
    "KZ-63": _kz(
        "Шығыс Қазақстан облысының", "Восточно-Казахстанской области", "East Kazakhstan Region"
    ),
    "KZ-55": _kz("Павлодар облысының", "Павлодарской области", "Pavlodar Region"),
    "KZ-61": _kz("Түркістан облысының", "Туркестанской области", "Turkistan Region"),
    "KZ-31": _kz("Жамбыл облысының", "Жамбылской области", "Zhambyl Region"),
    "KZ-15": _kz("Ақтөбе облысының", "Актюбинской области", "Aktobe Region"),
    "KZ-47": _kz("Маңғыстау облысының", "Мангистауской области", "Mangystau Region"),
    "KZ-10": _kz("Абай облысының", "области Абай", "Abai Region"),
    "KZ-33": _kz("Жетісу облысының", "области Жетісу", "Zhetisu Region"),
}
"""The main Kazakh regions: the three cities of republican significance and ten regions, among
them Abai and Zhetisu, created in 2022."""

UZ_NGO_WEIGHTS: Final = {"UZ-TK": 8, "UZ-SA": 3, "UZ-FA": 3, "UZ-AN": 2, "UZ-NG": 2, "UZ-TO": 2}
KZ_NGO_WEIGHTS: Final = {"KZ-75": 6, "KZ-71": 5, "KZ-79": 3, "KZ-35": 2, "KZ-63": 2}
"""Where NGOs are registered, beyond two in every region (other regions weigh 1)."""


class _Words(NamedTuple):
    """One phrase in each language it is written in (``kk`` None: it is Uzbek only)."""

    uz: str
    ru: str
    en: str
    kk: str | None = None


class _KzWords(NamedTuple):
    """A phrase used in Kazakhstan only."""

    kk: str
    ru: str
    en: str


class _Name(NamedTuple):
    words: _Words
    theme: str


def _names(*rows: tuple[str, str, str, str | None, str]) -> tuple[_Name, ...]:
    return tuple(_Name(_Words(uz, ru, en, kk), theme) for uz, ru, en, kk, theme in rows)


NGO_NAMES: Final = _names(
    ("Yosh ekologlar", "Молодые экологи", "Young Ecologists", "Жас экологтар", "ecology"),
    ("Mehr-shafqat", "Милосердие", "Mercy", "Мейірім", "charity"),
    (
        "Teng imkoniyatlar",
        "Равные возможности",
        "Equal Opportunities",
        "Тең мүмкіндіктер",
        "disability",
    ),
    ("Oila va jamiyat", "Семья и общество", "Family and Society", "Отбасы және қоғам", "family"),
    ("Sogʻlom avlod", "Здоровое поколение", "Healthy Generation", "Сау ұрпақ", "health"),
    ("Ilm ziyosi", "Свет знаний", "Light of Knowledge", "Білім нұры", "education"),
    ("Yashil makon", "Зелёное пространство", "Green Space", "Жасыл кеңістік", "ecology"),
    ("Toza suv", "Чистая вода", "Clean Water", "Таза су", "climate"),
    ("Kelajak yetakchilari", "Лидеры будущего", "Future Leaders", "Болашақ көшбасшылары", "youth"),
    ("Huquqiy madaniyat", "Правовая культура", "Legal Culture", "Құқықтық мәдениет", "legal aid"),
    (
        "Ayollar tashabbusi",
        "Женская инициатива",
        "Women's Initiative",
        "Әйелдер бастамасы",
        "women",
    ),
    (
        "Keksalarga gʻamxoʻrlik",
        "Забота о пожилых",
        "Care for the Elderly",
        "Қарттарға қамқорлық",
        "elderly",
    ),
    ("Bolalar kelajagi", "Будущее детей", "Children's Future", "Балалар болашағы", "children"),
    ("Raqamli avlod", "Цифровое поколение", "Digital Generation", "Цифрлық ұрпақ", "digital"),
    ("Madaniy meros", "Культурное наследие", "Cultural Heritage", "Мәдени мұра", "culture"),
    ("Hunarmand", "Ремесленник", "Artisan", "Шебер", "culture"),
    ("Sport – hayot", "Спорт — это жизнь", "Sport Is Life", "Спорт — өмір", "sport"),
    ("Mahalla ovozi", "Голос махалли", "Voice of the Mahalla", None, "mahalla"),
    ("Umid", "Надежда", "Hope", "Үміт", "charity"),
    ("Ochiq qalb", "Открытое сердце", "Open Heart", "Ашық жүрек", "disability"),
    ("Iqlim va biz", "Климат и мы", "Climate and Us", "Климат және біз", "climate"),
    (
        "Tadbirkor ayollar",
        "Женщины-предприниматели",
        "Women Entrepreneurs",
        "Кәсіпкер әйелдер",
        "women",
    ),
    (
        "Inklyuziv taʼlim",
        "Инклюзивное образование",
        "Inclusive Education",
        "Инклюзивті білім",
        "disability",
    ),
    (
        "Barqaror rivojlanish",
        "Устойчивое развитие",
        "Sustainable Development",
        "Тұрақты даму",
        "rural development",
    ),
    (
        "Fuqarolik nazorati",
        "Гражданский контроль",
        "Civic Oversight",
        "Азаматтық бақылау",
        "civic oversight",
    ),
    (
        "Yoshlar tashabbusi",
        "Молодёжная инициатива",
        "Youth Initiative",
        "Жастар бастамасы",
        "youth",
    ),
    ("Kitobxon avlod", "Читающее поколение", "Reading Generation", "Оқырман ұрпақ", "education"),
    (
        "Qishloq taraqqiyoti",
        "Развитие села",
        "Rural Development",
        "Ауыл дамуы",
        "rural development",
    ),
    ("Ekoturizm", "Экотуризм", "Ecotourism", "Экотуризм", "tourism"),
    (
        "Ijtimoiy koʻprik",
        "Социальный мост",
        "Social Bridge",
        "Әлеуметтік көпір",
        "social protection",
    ),
    ("Ishonch", "Доверие", "Trust", "Сенім", "social protection"),
    ("Shifo", "Исцеление", "Healing", "Шипа", "health"),
    ("Hamkorlik", "Сотрудничество", "Cooperation", "Ынтымақтастық", "civic oversight"),
    ("Yangi avlod", "Новое поколение", "New Generation", "Жаңа буын", "youth"),
    ("Tabiat doʻstlari", "Друзья природы", "Friends of Nature", "Табиғат достары", "ecology"),
    (
        "Media savodxonlik",
        "Медиаграмотность",
        "Media Literacy",
        "Медиа сауаттылық",
        "media literacy",
    ),
    ("Kuch birlikda", "Сила в единстве", "Strength in Unity", "Бірлікте күш", "volunteering"),
    ("Oltin meros", "Золотое наследие", "Golden Heritage", "Алтын мұра", "culture"),
    ("Quyoshli bolalik", "Солнечное детство", "Sunny Childhood", "Шуақты балалық", "children"),
    ("Orzu", "Мечта", "Dream", "Арман", "children"),
    ("Sogʻlom turmush", "Здоровый образ жизни", "Healthy Lifestyle", "Салауатты өмір", "health"),
    ("Ona tabiat", "Мать-природа", "Mother Nature", "Ана табиғат", "ecology"),
    (
        "Bandlikka koʻmak",
        "Содействие занятости",
        "Employment Support",
        "Жұмыспен қамтуға көмек",
        "employment",
    ),
    ("Ezgu niyat", "Добрые намерения", "Good Intentions", "Игі ниет", "charity"),
    ("Baxtli oila", "Счастливая семья", "Happy Family", "Бақытты отбасы", "family"),
    ("Adolat", "Справедливость", "Justice", "Әділет", "legal aid"),
    ("Yosh olimlar", "Молодые учёные", "Young Scientists", "Жас ғалымдар", "science"),
    ("Koʻngillilar", "Волонтёры", "Volunteers", "Еріктілер", "volunteering"),
    ("Mahalla mehri", "Тепло махалли", "Warmth of the Mahalla", None, "mahalla"),
    ("Hayot yoʻli", "Дорога жизни", "Road of Life", "Өмір жолы", "social protection"),
)
"""NGO names (the part in quotes) and the theme each NGO works on."""


class _Form(NamedTuple):
    """An NGO's legal form: its label and how a name is built in each language."""

    legal_form: str
    local: str  # Uzbek in Uzbekistan, Kazakh in Kazakhstan
    ru: str
    en: str
    weight: int


UZ_FORMS: Final = (
    _Form(
        "nodavlat notijorat tashkiloti (NNT)",
        "{place} «{core}» nodavlat notijorat tashkiloti",
        "ННО «{core}» {place}",
        "{core} NGO, {place}",
        9,
    ),
    _Form(
        "jamoat birlashmasi",
        "{place} «{core}» jamoat birlashmasi",
        "Общественное объединение «{core}» {place}",
        "{core} Public Association, {place}",
        6,
    ),
    _Form(
        "jamoat fondi",
        "{place} «{core}» xayriya jamoat fondi",
        "Благотворительный общественный фонд «{core}» {place}",
        "{core} Charitable Foundation, {place}",
        3,
    ),
    _Form(
        "uyushma",
        "{place} «{core}» uyushmasi",
        "Ассоциация «{core}» {place}",
        "{core} Association, {place}",
        2,
    ),
)
KZ_FORMS: Final = (
    _Form(
        "қоғамдық бірлестік (ОО)",
        "{place} «{core}» қоғамдық бірлестігі",
        "Общественное объединение «{core}» {place}",
        "{core} Public Association, {place}",
        10,
    ),
    _Form(
        "қоғамдық қор (ОФ)",
        "{place} «{core}» қоғамдық қоры",
        "Общественный фонд «{core}» {place}",
        "{core} Public Foundation, {place}",
        6,
    ),
    _Form(
        "заңды тұлғалар бірлестігі (ОЮЛ)",
        "{place} «{core}» заңды тұлғалар бірлестігі",
        "Объединение юридических лиц «{core}» {place}",
        "{core} Association of Legal Entities, {place}",
        2,
    ),
    _Form(
        "жеке мекеме (ЧУ)",
        "{place} «{core}» жеке мекемесі",
        "Частное учреждение «{core}» {place}",
        "{core} Private Institution, {place}",
        2,
    ),
)


def _projects(*rows: tuple[str, str, str, str | None]) -> tuple[_Words, ...]:
    return tuple(_Words(uz, ru, en, kk) for uz, ru, en, kk in rows)


PROJECTS: Final = {
    "ecology": _projects(
        (
            "yoshlar uchun ekologik maktab",
            "Экологическая школа для молодёжи",
            "An environmental school for young people",
            "жастарға арналған экологиялық мектеп",
        ),
        (
            "chiqindilarni saralash boʻyicha aholi xabardorligini oshirish",
            "Повышение осведомлённости населения о раздельном сборе отходов",
            "Raising awareness of household waste sorting",
            "қалдықтарды бөлек жинау туралы халықтың хабардарлығын арттыру",
        ),
        (
            "shahar va qishloqlarda daraxt ekish harakati",
            "Движение по посадке деревьев в городах и сёлах",
            "A tree-planting movement in towns and villages",
            "қалалар мен ауылдарда ағаш отырғызу қозғалысы",
        ),
    ),
    "climate": _projects(
        (
            "fermerlar orasida suvni tejovchi texnologiyalarni targʻib qilish",
            "Продвижение водосберегающих технологий среди фермеров",
            "Promoting water-saving technologies among farmers",
            "фермерлер арасында су үнемдейтін технологияларды насихаттау",
        ),
        (
            "maktablarda iqlim oʻzgarishi boʻyicha darslar",
            "Уроки об изменении климата в школах",
            "Climate change lessons in schools",
            "мектептерде климаттың өзгеруі туралы сабақтар",
        ),
    ),
    "disability": _projects(
        (
            "nogironligi boʻlgan bolalar uchun inklyuziv reabilitatsiya markazi",
            "Инклюзивный реабилитационный центр для детей с инвалидностью",
            "An inclusive rehabilitation centre for children with disabilities",
            "мүгедектігі бар балаларға арналған инклюзивті оңалту орталығы",
        ),
        (
            "nogironligi boʻlgan shaxslarni kasbga oʻqitish va ishga joylashtirish",
            "Профессиональное обучение и трудоустройство людей с инвалидностью",
            "Vocational training and jobs for people with disabilities",
            "мүгедектігі бар адамдарды кәсіптік оқыту және жұмысқа орналастыру",
        ),
    ),
    "family": _projects(
        (
            "yosh oilalar uchun psixologik maslahat xizmati",
            "Служба психологической помощи молодым семьям",
            "A counselling service for young families",
            "жас отбасыларға психологиялық кеңес беру қызметі",
        ),
        (
            "oilaviy zoʻravonlikning oldini olish",
            "Профилактика домашнего насилия",
            "Preventing domestic violence",
            "тұрмыстық зорлық-зомбылықтың алдын алу",
        ),
    ),
    "health": _projects(
        (
            "aholi orasida sogʻlom turmush tarzini targʻib qilish",
            "Пропаганда здорового образа жизни",
            "Promoting healthy lifestyles",
            "халық арасында салауатты өмір салтын насихаттау",
        ),
        (
            "qandli diabet bilan yashayotgan bolalarni qoʻllab-quvvatlash",
            "Поддержка детей, живущих с диабетом",
            "Support for children living with diabetes",
            "қант диабетімен өмір сүретін балаларды қолдау",
        ),
    ),
    "education": _projects(
        (
            "qishloq maktablarida STEAM toʻgaraklari",
            "Кружки STEAM в сельских школах",
            "STEAM clubs in rural schools",
            "ауыл мектептерінде STEAM үйірмелері",
        ),
        (
            "maktab oʻquvchilari uchun moliyaviy savodxonlik kursi",
            "Курс финансовой грамотности для школьников",
            "A financial literacy course for schoolchildren",
            "оқушыларға арналған қаржылық сауаттылық курсы",
        ),
    ),
    "youth": _projects(
        (
            "yoshlar tashabbuslari uchun startap akselerator",
            "Стартап-акселератор для молодёжных инициатив",
            "A start-up accelerator for youth initiatives",
            "жастар бастамаларына арналған стартап-акселератор",
        ),
        (
            "oʻqimayotgan va ishlamayotgan yoshlarni kasbga yoʻnaltirish",
            "Профориентация молодёжи, которая не учится и не работает",
            "Career guidance for young people not in work or study",
            "оқымайтын және жұмыс істемейтін жастарды кәсіпке бағдарлау",
        ),
    ),
    "legal aid": _projects(
        (
            "aholiga bepul yuridik maslahat berish",
            "Бесплатная юридическая помощь населению",
            "Free legal advice for residents",
            "халыққа тегін заң көмегін көрсету",
        ),
    ),
    "civic oversight": _projects(
        (
            "korrupsiyaga qarshi jamoatchilik nazorati",
            "Общественный контроль в противодействии коррупции",
            "Public oversight against corruption",
            "сыбайлас жемқорлыққа қарсы қоғамдық бақылау",
        ),
        (
            "davlat xizmatlari sifatini jamoatchilik monitoringi",
            "Общественный мониторинг качества государственных услуг",
            "Public monitoring of state services",
            "мемлекеттік қызметтер сапасын қоғамдық бақылау",
        ),
    ),
    "women": _projects(
        (
            "qishloq ayollarining tadbirkorlik koʻnikmalarini rivojlantirish",
            "Развитие предпринимательских навыков сельских женщин",
            "Business skills for rural women",
            "ауыл әйелдерінің кәсіпкерлік дағдыларын дамыту",
        ),
    ),
    "elderly": _projects(
        (
            "yolgʻiz keksalarga uyda parvarish xizmati",
            "Уход на дому за одинокими пожилыми людьми",
            "Home care for older people living alone",
            "жалғыз басты қарттарға үйде күтім көрсету",
        ),
        (
            "keksalar uchun raqamli savodxonlik darslari",
            "Уроки цифровой грамотности для пожилых",
            "Digital skills lessons for older people",
            "қарттарға арналған цифрлық сауаттылық сабақтары",
        ),
    ),
    "children": _projects(
        (
            "mehribonlik uylari bitiruvchilarini mustaqil hayotga tayyorlash",
            "Подготовка выпускников детских домов к самостоятельной жизни",
            "Preparing care leavers for independent life",
            "балалар үйінің түлектерін өз бетінше өмір сүруге дайындау",
        ),
        (
            "bolalar uchun yozgi taʼlim lagerlari",
            "Летние образовательные лагеря для детей",
            "Summer learning camps for children",
            "балаларға арналған жазғы білім лагерьлері",
        ),
    ),
    "digital": _projects(
        (
            "yoshlar uchun dasturlash kurslari",
            "Курсы программирования для молодёжи",
            "Coding courses for young people",
            "жастарға арналған бағдарламалау курстары",
        ),
    ),
    "culture": _projects(
        (
            "milliy hunarmandchilik anʼanalarini saqlash",
            "Сохранение традиций национальных ремёсел",
            "Keeping national crafts alive",
            "ұлттық қолөнер дәстүрлерін сақтау",
        ),
        (
            "yoshlar teatr studiyasi",
            "Молодёжная театральная студия",
            "A youth theatre studio",
            "жастар театр студиясы",
        ),
    ),
    "sport": _projects(
        (
            "bolalar va oʻsmirlar uchun ommaviy sport musobaqalari",
            "Массовые спортивные соревнования для детей и подростков",
            "Community sports tournaments for children and teenagers",
            "балалар мен жасөспірімдерге арналған бұқаралық спорт жарыстары",
        ),
    ),
    "mahalla": _projects(
        (
            "mahallada ijtimoiy xizmatlar markazi",
            "Центр социальных услуг в махалле",
            "A social services centre in the mahalla",
            None,
        ),
        (
            "mahalla yoshlari uchun hunarmandchilik toʻgaraklari",
            "Ремесленные кружки для молодёжи махалли",
            "Craft clubs for mahalla youth",
            None,
        ),
    ),
    "rural development": _projects(
        (
            "qishloqlarda ichimlik suvi taʼminotini jamoatchilik monitoringi",
            "Общественный мониторинг питьевого водоснабжения в сёлах",
            "Community monitoring of drinking water in villages",
            "ауылдарда ауыз сумен қамтамасыз етуді қоғамдық бақылау",
        ),
    ),
    "tourism": _projects(
        (
            "ekoturizm yoʻnalishlarini rivojlantirish",
            "Развитие экотуристических маршрутов",
            "Developing eco-tourism routes",
            "экотуристік бағыттарды дамыту",
        ),
    ),
    "employment": _projects(
        (
            "ishsiz yoshlarni IT kasblariga qayta tayyorlash",
            "Переподготовка безработной молодёжи по IT-профессиям",
            "IT retraining for unemployed young people",
            "жұмыссыз жастарды IT мамандықтарына қайта даярлау",
        ),
    ),
    "science": _projects(
        (
            "yosh tadqiqotchilar uchun ilmiy-ommabop maktab",
            "Научно-популярная школа для молодых исследователей",
            "A popular-science school for young researchers",
            "жас зерттеушілерге арналған ғылыми-көпшілік мектеп",
        ),
    ),
    "volunteering": _projects(
        (
            "koʻngillilar harakatini rivojlantirish",
            "Развитие волонтёрского движения",
            "Growing the volunteer movement",
            "еріктілер қозғалысын дамыту",
        ),
    ),
    "media literacy": _projects(
        (
            "yoshlar orasida media savodxonlikni oshirish",
            "Повышение медиаграмотности молодёжи",
            "Media literacy for young people",
            "жастардың медиа сауаттылығын арттыру",
        ),
    ),
    "charity": _projects(
        (
            "kam taʼminlangan oilalarga ijtimoiy yordam",
            "Социальная помощь малообеспеченным семьям",
            "Social support for low-income families",
            "аз қамтылған отбасыларға әлеуметтік көмек",
        ),
    ),
    "social protection": _projects(
        (
            "ogʻir hayotiy vaziyatdagi oilalarni ijtimoiy qoʻllab-quvvatlash",
            "Социальное сопровождение семей в трудной жизненной ситуации",
            "Social work with families in hardship",
            "қиын өмірлік жағдайдағы отбасыларды әлеуметтік сүйемелдеу",
        ),
    ),
}
"""Project titles by theme: "<where> <what>" in Uzbek and Kazakh, "<what> <where>" otherwise."""

RURAL: Final = re.compile(r"rural|village|farmer", re.IGNORECASE)
"""Projects that belong in the countryside, not in a city."""

ORDINALS_RU: Final = {1: "Первый", 2: "Второй", 3: "Третий", 4: "Четвёртый"}
ORDINALS_EN: Final = {1: "First", 2: "Second", 3: "Third", 4: "Fourth"}
EXTENDED_ROUND: Final = 3

PUBLIC_FUND_ROUNDS: Final = (
    # round, opens, closes, awards made from, topic, themes
    (
        1,
        date(2026, 2, 2),
        date(2026, 3, 3),
        date(2026, 4, 6),
        _Words("yoshlar va taʼlim", "молодёжь и образование", "youth and education"),
        ("youth", "education", "employment", "digital"),
    ),
    (
        2,
        date(2026, 4, 6),
        date(2026, 5, 5),
        date(2026, 6, 8),
        _Words("ekologiya va iqlim", "экология и климат", "ecology and climate"),
        ("ecology", "climate", "tourism", "rural development"),
    ),
    (
        3,
        date(2026, 6, 15),
        date(2026, 7, 14),
        date(2026, 8, 24),
        _Words(
            "ijtimoiy himoya va inklyuziya",
            "социальная защита и инклюзия",
            "social protection and inclusion",
        ),
        ("disability", "elderly", "children", "family", "social protection", "charity"),
    ),
    (
        4,
        date(2026, 9, 1),
        date(2026, 9, 30),
        date(2026, 11, 2),
        _Words(
            "fuqarolik nazorati va huquqiy madaniyat",
            "гражданский контроль и правовая культура",
            "civic oversight and legal culture",
        ),
        ("civic oversight", "legal aid", "media literacy", "women", "volunteering"),
    ),
)

PUBLIC_FUND_OBJECTIVES: Final = _Words(
    uz="Tanlov mavzusi: {topic}. Maqsadlar: 1) hududlarda ijtimoiy ahamiyatga ega loyihalarni "
    "qoʻllab-quvvatlash; 2) nodavlat notijorat tashkilotlari va davlat organlari hamkorligini "
    "kuchaytirish; 3) natijalarni ochiq eʼlon qilish. Hujjatlar: ariza, ustav nusxasi, loyiha "
    "smetasi va kalendar rejasi.",
    ru="Тема конкурса: {topic}. Цели: 1) поддержать социально значимые проекты в регионах; "
    "2) укрепить партнёрство ННО и государственных органов; 3) открыто публиковать результаты. "
    "Документы: заявка, копия устава, смета и календарный план проекта.",
    en="Topic: {topic}. Objectives: 1) support socially significant projects in the regions; "
    "2) strengthen partnership between NGOs and state bodies; 3) publish the results openly. "
    "Documents: application, copy of the charter, project budget and timetable.",
)

UZ_ELIGIBILITY: Final = _text(
    uz="Oʻzbekiston Respublikasida roʻyxatdan oʻtgan nodavlat notijorat tashkilotlari "
    "va fuqarolik jamiyatining boshqa institutlari",
    ru="Негосударственные некоммерческие организации и другие институты гражданского общества, "
    "зарегистрированные в Республике Узбекистан",
    en="NGOs and other civil society institutions registered in the Republic of Uzbekistan",
)
KZ_ELIGIBILITY: Final = _text(
    kk="Қазақстан Республикасында тіркелген үкіметтік емес ұйымдар",
    ru="Неправительственные организации, зарегистрированные в Республике Казахстан",
    en="NGOs registered in the Republic of Kazakhstan",
)
KZ_STAGES: Final = _text(
    kk="Өтінімдер Астана уақытымен 18:30-ға дейін қабылданады. Кезеңдер: сәйкестікті тексеру "
    "(10 жұмыс күні), сараптама комиссиясы (15 жұмыс күні), шешім.",
    ru="Заявки принимаются до 18:30 по времени Астаны. Этапы: проверка на соответствие "
    "(10 рабочих дней), экспертная комиссия (15 рабочих дней), решение.",
    en="Applications close at 18:30 Astana time. Stages: compliance check (10 working days), "
    "expert commission (15 working days), decision.",
)

UZ_SOCIAL_ORDERS: Final = (
    # share, funder, region, themes, subject, opens, closes, award sizes in UZS
    (
        "youth",
        YOUTH_AGENCY,
        "UZ",
        ("youth", "employment"),
        _Words(
            "yoshlar bandligiga koʻmaklashish", "содействие занятости молодёжи", "youth employment"
        ),
        date(2026, 2, 9),
        date(2026, 3, 10),
        (150e6, 260e6),
    ),
    (
        "health",
        HEALTH_MINISTRY,
        "UZ",
        ("health", "disability"),
        _Words(
            "yuqumli boʻlmagan kasalliklarning oldini olish",
            "профилактика неинфекционных заболеваний",
            "preventing non-communicable diseases",
        ),
        date(2026, 2, 16),
        date(2026, 3, 17),
        (150e6, 260e6),
    ),
    (
        "ecology",
        ECOLOGY_MINISTRY,
        "UZ",
        ("ecology", "climate"),
        _Words(
            "chiqindilarni kamaytirish va qayta ishlash",
            "сокращение и переработка отходов",
            "reducing and recycling waste",
        ),
        date(2026, 3, 2),
        date(2026, 3, 31),
        (150e6, 260e6),
    ),
    (
        "social",
        SOCIAL_AGENCY,
        "UZ",
        ("disability", "elderly", "social protection"),
        _Words(
            "nogironligi boʻlgan shaxslarga uyda ijtimoiy xizmat koʻrsatish",
            "социальное обслуживание на дому людей с инвалидностью",
            "home-based social services for people with disabilities",
        ),
        date(2026, 2, 23),
        date(2026, 3, 24),
        (150e6, 260e6),
    ),
    (
        "tashkent",
        TASHKENT_KHOKIMIYAT,
        "UZ-TK",
        ("elderly", "mahalla"),
        _Words(
            "yolgʻiz keksalarga ijtimoiy xizmat koʻrsatish",
            "социальные услуги одиноким пожилым людям",
            "social services for older people living alone",
        ),
        date(2026, 3, 2),
        date(2026, 3, 27),
        (40e6, 120e6),
    ),
    (
        "samarqand",
        SAMARQAND_KHOKIMIYAT,
        "UZ-SA",
        ("youth", "culture", "sport"),
        _Words(
            "yoshlarning boʻsh vaqtini mazmunli tashkil etish",
            "организация досуга молодёжи",
            "meaningful leisure for young people",
        ),
        date(2026, 3, 9),
        date(2026, 4, 3),
        (40e6, 120e6),
    ),
    (
        "fergana",
        FERGANA_KHOKIMIYAT,
        "UZ-FA",
        ("family", "women"),
        _Words(
            "oilaviy zoʻravonlikning oldini olish",
            "профилактика домашнего насилия",
            "preventing domestic violence",
        ),
        date(2026, 3, 16),
        date(2026, 4, 10),
        (40e6, 120e6),
    ),
)
"""Social-order competitions: ministries' about 200 M UZS an award, khokimiyats' less."""

CANCELLED_ORDER: Final = _Words(
    "suv resurslarini tejash", "сбережение водных ресурсов", "saving water"
)
UNDER_REVIEW_ORDER: Final = _Words(
    "ekoturizm yoʻnalishlarini rivojlantirish",
    "развитие экотуристических маршрутов",
    "eco-tourism routes",
)
OPEN_ORDER: Final = _Words(
    "nogironligi boʻlgan yoshlarni ishga joylashtirish",
    "трудоустройство молодых людей с инвалидностью",
    "jobs for young people with disabilities",
)
PLANNED_ROUND_TOPIC: Final = _Words(
    "mahalla va fuqarolik tashabbuslari",
    "махалля и гражданские инициативы",
    "mahallas and civic initiatives",
)

KZ_GRANT_COMPETITIONS: Final = (
    # share, title, opens, closes (18:30 Astana time), [(kind, MCI range, months)]
    (
        "kz_short",
        _KzWords(
            "2026 жылғы қысқа мерзімді гранттар конкурсы",
            "Конкурс краткосрочных грантов 2026 года",
            "Short-term grant competition 2026",
        ),
        date(2026, 2, 16),
        date(2026, 3, 13),
        [
            (
                _KzWords("Қысқа мерзімді грант", "Краткосрочный грант", "Short-term grant"),
                (500, 3000),
                (3, 6, 9, 12),
            )
        ],
    ),
    (
        "kz_long",
        _KzWords(
            "2026 жылғы орта және ұзақ мерзімді гранттар конкурсы",
            "Конкурс средне- и долгосрочных грантов 2026 года",
            "Medium- and long-term grant competition 2026",
        ),
        date(2026, 3, 2),
        date(2026, 3, 31),
        [
            (
                _KzWords("Орта мерзімді грант", "Среднесрочный грант", "Medium-term grant"),
                (3000, 10000),
                (12, 18, 24),
            ),
            (
                _KzWords("Ұзақ мерзімді грант", "Долгосрочный грант", "Long-term grant"),
                (10000, 15000),
                (24, 30, 36),
            ),
        ],
    ),
)

PRIZE_PURPOSE: Final = {
    "kk": "Қоғамдық маңызы бар қызметке қосқан үлесі үшін",
    "ru": "За вклад в общественно значимую деятельность",
    "en": "For a contribution to socially significant work",
}

INTERIM_REPORT: Final = _Words(
    uz="Oraliq hisobot: rejadagi tadbirlarning {percent}% bajarildi",
    ru="Промежуточный отчёт: выполнено {percent}% запланированных мероприятий",
    en="Interim report: {percent}% of the planned activities done",
    kk="Аралық есеп: жоспарланған іс-шаралардың {percent}% орындалды",
)
FINAL_REPORT: Final = _Words(
    uz="Yakuniy hisobot: loyiha toʻliq amalga oshirildi, {people} nafar kishi qamrab olindi",
    ru="Итоговый отчёт: проект реализован полностью, охвачено {people} человек",
    en="Final report: the project was carried out in full, reaching {people} people",
    kk="Қорытынды есеп: жоба толық іске асырылды, {people} адам қамтылды",
)

REASONS: Final = {
    "window extended": _Words(
        uz="Hududiy boʻlimlar soʻroviga koʻra arizalar qabul qilish muddati "
        "bir haftaga uzaytirildi",
        ru="По просьбе региональных отделений приём заявок продлён на неделю",
        en="Intake extended by a week at the regional branches' request",
    ),
    "competition cancelled": _Words(
        uz="Mablagʻlar Vazirlar Mahkamasining qarori bilan qayta taqsimlandi; "
        "tanlov 2027-yilda qayta eʼlon qilinadi",
        ru="Средства перераспределены решением Кабинета Министров; конкурс будет объявлен "
        "повторно в 2027 году",
        en="The funds were reallocated by the Cabinet of Ministers; the competition will be "
        "announced again in 2027",
    ),
    "terminated": _Words(
        uz="Grant oluvchi oraliq hisobotni belgilangan muddatda taqdim etmadi; "
        "komissiya qarori bilan shartnoma bekor qilindi",
        ru="Получатель не представил промежуточный отчёт в установленный срок; "
        "договор расторгнут по решению комиссии",
        en="The recipient did not submit the interim report on time; the commission "
        "terminated the agreement",
    ),
    "tranche mistyped": _Words(
        uz="Toʻlov topshiriqnomasidagi summa xato kiritilgan (bitta nol tushib qolgan); "
        "bank koʻchirmasiga koʻra tuzatildi",
        ru="Сумма платёжного поручения введена с ошибкой (пропущен ноль); "
        "исправлено по выписке банка",
        en="The payment order amount was typed with a zero missing; corrected from the bank "
        "statement",
    ),
    "tranche duplicated": _Words(
        uz="Ushbu toʻlov ikki marta kiritilgan; takroriy yozuv bekor qilindi",
        ru="Платёж внесён дважды; повторная запись аннулирована",
        en="The payment was entered twice; the duplicate is void",
    ),
    "amount increased": _Words(
        uz="Loyiha qamrovi qoʻshimcha tumanlarga kengaytirilgani sababli summa oshirildi",
        ru="Сумма увеличена в связи с расширением охвата проекта на дополнительные районы",
        en="Increased as the project was extended to more districts",
    ),
    "amount decreased": _Words(
        uz="Smeta qayta koʻrib chiqildi: ayrim xarajatlar hamkor tashkilot tomonidan qoplandi",
        ru="Смета пересмотрена: часть расходов покрыта софинансированием партнёра",
        en="Budget revised: a partner co-funds part of the costs",
    ),
    "extended: weather": _Words(
        uz="Grant oluvchining asosli soʻroviga koʻra muddat uzaytirildi: "
        "tadbirlar ob-havo sharoiti tufayli kechiktirildi",
        ru="Срок продлён по обоснованному запросу получателя: мероприятия перенесены "
        "из-за погодных условий",
        en="Extended at the recipient's request: activities were delayed by the weather",
    ),
    "extended: supplier": _Words(
        uz="Hamkor tashkilot uskunalarni kechiktirib yetkazib bergani sababli "
        "amalga oshirish muddati uzaytirildi",
        ru="Срок продлён в связи с задержкой поставки оборудования партнёром",
        en="Extended because a partner delivered equipment late",
    ),
    "completed": _Words(
        uz="Bajarilgan ishlar dalolatnomasi imzolandi",
        ru="Акт выполненных работ подписан",
        en="Certificate of completed work signed",
    ),
}
"""Reasons and notes funders give, in Uzbek (used in Uzbekistan) and Russian (in Kazakhstan)."""
