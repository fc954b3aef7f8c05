"""Registering organizations and reading them back."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Final, TypeVar

from sqlalchemy.orm import Session

from registry import journal
from registry.core import clock
from registry.core.errors import Conflict, NotFound, Unprocessable
from registry.core.messages import N_, Rule, said
from registry.ledger import service as ledger_service
from registry.ledger.service import NewEntry
from registry.organizations import repository
from registry.organizations.models import Organization
from registry.organizations.repository import Named
from registry.organizations.schemas import CIVIL_SOCIETY_KINDS, OrganizationCreate
from registry.reference.countries import HOME_COUNTRIES
from registry.reference.identifiers import InvalidIdentifier, normalize_org_id
from registry.reference.regions import UnknownRegion, normalize_region
from registry.reference.zones import local_zone

REGISTERED = "organization.registered"


def canonical_org_id(value: str, *, field: str = "org_id") -> str:
    try:
        return normalize_org_id(value)
    except InvalidIdentifier as exc:
        raise Unprocessable.for_field(field, said(exc)) from exc


def canonical_region(value: object, *, field: str = "region") -> str:
    """The current code of a region given as ``field``; a correction's free-form ``changes``
    may hold any JSON value there, which is refused as a 422, never a crash."""
    if not isinstance(value, str):
        raise Unprocessable.for_field(
            field,
            Rule('must be an ISO 3166-2 code such as "UZ-TK", or a country code such as "UZ"'),
        )
    try:
        return normalize_region(value)
    except UnknownRegion as exc:
        raise Unprocessable.for_field(field, said(exc)) from exc


NOT_IN_COUNTRY: Final = N_("%(region)s is not in the country of %(org_id)s")
RECIPIENTS_NOT_IN_COUNTRY: Final = N_(
    "%(region)s is not in the country of %(org_id)s (the recipient's region, taken when none "
    "is given): give the region where the work happens"
)
"""Said of an award without a region whose recipient's region lies outside the funder's
country: the region refused is one the funder did not give."""


def check_region_in_country(
    region: str, org_id: str, *, field: str = "region", template: str = NOT_IN_COUNTRY
) -> None:
    """``region`` (canonical) lies in the country of ``org_id``'s register; a refusal names
    ``field`` and says ``template`` (``NOT_IN_COUNTRY`` or ``RECIPIENTS_NOT_IN_COUNTRY``)."""
    if region[:2] != org_id[:2]:
        raise Unprocessable.for_field(field, Rule(template, region=region, org_id=org_id))


def check_funded_region(
    region: str, funder_id: str, *, field: str = "region", template: str = NOT_IN_COUNTRY
) -> None:
    """Where a funder's competition or award takes place: an Uzbek or Kazakh funder (a state
    body, a state fund, the grant operator) supports work in its own country, as an
    organization's own region lies in its country (``register``). A funder from elsewhere
    (an international organization or a foreign donor, co-funding in USD or EUR) may support
    work in either country, so its regions are not bound to its own."""
    if funder_id[:2] in HOME_COUNTRIES:
        check_region_in_country(region, funder_id, field=field, template=template)


def check_recipient(org_id: str, kind: str, *, field: str = "recipient_id") -> None:
    """The registry records state support for civil society: an award's recipient is of a
    civil-society kind (``CIVIL_SOCIETY_KINDS``), never a state body, a public fund or a
    grant operator, which give that support."""
    if kind not in CIVIL_SOCIETY_KINDS:
        template = NOT_CIVIL_SOCIETY.get(kind)
        raise Unprocessable.for_field(
            field,
            Rule(template, org_id=org_id)
            if template
            else f"{org_id} is a {kind.replace('_', ' ')} (kind {kind}); the registry records "
            "state support for civil society: an award goes to an organization of kind ngo or "
            "other, not to a state body, a public fund or a grant operator, which give it",
        )


NOT_CIVIL_SOCIETY: Final = {
    "state_body": N_(
        "%(org_id)s is a state body (kind state_body); the registry records state support for "
        "civil society: an award goes to an organization of kind ngo or other, not to a state "
        "body, a public fund or a grant operator, which give it"
    ),
    "public_fund": N_(
        "%(org_id)s is a public fund (kind public_fund); the registry records state support "
        "for civil society: an award goes to an organization of kind ngo or other, not to a "
        "state body, a public fund or a grant operator, which give it"
    ),
    "grant_operator": N_(
        "%(org_id)s is a grant operator (kind grant_operator); the registry records state "
        "support for civil society: an award goes to an organization of kind ngo or other, not "
        "to a state body, a public fund or a grant operator, which give it"
    ),
}
"""What a recipient of a kind that gives state support is told, one sentence for each kind
(each language names the kind in its own words); any other kind in the API's words alone."""


def register(session: Session, *, actor: str, data: OrganizationCreate) -> Organization:
    (org_id,) = register_many(session, actor=actor, organizations=[data])
    return get(session, org_id)


def register_many(
    session: Session, *, actor: str, organizations: Sequence[OrganizationCreate]
) -> list[str]:
    """Register several organizations as one ledger append; their org-ids, in order. Each is
    checked as ``register`` checks it (one already registered, or twice in the list, is a
    conflict); the first refusal raises and nothing is recorded."""
    bodies = [_registration(data) for data in organizations]
    ledger_service.lock(session)
    taken = registered(session, {body["org_id"] for body in bodies})
    for body in bodies:
        if body["org_id"] in taken:
            raise Conflict.for_field("org_id", f"{body['org_id']} is already registered")
        taken.add(body["org_id"])
    journal.record(
        session,
        [
            NewEntry(kind=REGISTERED, subject=body["org_id"], actor=actor, body=body)
            for body in bodies
        ],
    )
    return [body["org_id"] for body in bodies]


EARLIEST_REGISTRATION = date(1991, 1, 1)
"""Uzbekistan's and Kazakhstan's own registers begin with independence (1991); a foreign
funder may be older."""


def _registration(data: OrganizationCreate) -> dict[str, Any]:
    """The ledger body registering ``data``, in canonical form; its own fields checked."""
    org_id = canonical_org_id(data.org_id)
    region = canonical_region(data.region) if data.region else None
    country = (region or org_id)[:2]
    if region is not None and not org_id.startswith("XI-"):
        check_region_in_country(region, org_id)
    body: dict[str, Any] = {
        "org_id": org_id,
        "name": data.name.as_dict(),
        "kind": data.kind.value,
        "legal_form": data.legal_form,
        "country": country,
        "region": region,
    }
    if data.registration_date is not None:  # absent, not null: older entries stay as they are
        today = clock.now().astimezone(local_zone(region, org_id)).date()
        earliest = EARLIEST_REGISTRATION if country in HOME_COUNTRIES else date.min
        if not earliest <= data.registration_date <= today:
            raise Unprocessable.for_field(
                "registration_date", f"must be between {earliest} and today ({today})"
            )
        body["registration_date"] = data.registration_date.isoformat()
    return body


def get(session: Session, org_id: str, *, field: str = "path.org_id") -> Organization:
    """The organization ``org_id``; ``NotFound`` naming ``field``, where the id came from: the
    path parameter of the API's and the portal's routes, unless the caller names a body
    field."""
    organization = repository.get(session, org_id)
    if organization is None:
        raise NotFound.for_field(field, Rule("no organization %(org_id)s", org_id=org_id))
    return organization


def find(session: Session, org_id: str) -> Organization | None:
    return repository.get(session, org_id)


def get_many(session: Session, wanted: dict[str, str]) -> dict[str, Organization]:
    """Several organizations in one query, ``{field: org_id}`` → ``{field: organization}``;
    ``NotFound`` naming the first field whose organization is not registered."""
    return pick(repository.get_many(session, set(wanted.values())), wanted)


def names_of(organization: Organization) -> dict[str, str]:
    """An organization's names by language, only the languages it has."""
    return {
        code: name
        for code in ("uz", "ru", "kk", "en")
        if (name := getattr(organization, f"name_{code}", None))
    }


def find_many(session: Session, org_ids: set[str]) -> dict[str, Organization]:
    """The registered ones of ``org_ids``, in one query, by org-id."""
    return repository.get_many(session, org_ids) if org_ids else {}


def registered(session: Session, org_ids: set[str]) -> set[str]:
    """Which of ``org_ids`` are registered, in one query."""
    return repository.registered(session, org_ids) if org_ids else set()


def named_many(session: Session, org_ids: set[str]) -> dict[str, Named]:
    """The registered ones of ``org_ids`` with their names and regions (no objects), by
    org-id."""
    return repository.named_many(session, org_ids) if org_ids else {}


Found = TypeVar("Found", Organization, Named)


def pick(found: dict[str, Found], wanted: dict[str, str]) -> dict[str, Found]:
    """``get_many`` from organizations already read (``find_many``, ``named_many``)."""
    for field, org_id in wanted.items():
        if org_id not in found:
            raise NotFound.for_field(field, Rule("no organization %(org_id)s", org_id=org_id))
    return {field: found[org_id] for field, org_id in wanted.items()}
