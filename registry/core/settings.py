"""Every knob of the registry, in one place, read from ``REGISTRY_*`` environment variables."""

import difflib
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from registry.core.body_limit import DEFAULT_MAX_BATCH_BODY_BYTES, DEFAULT_MAX_BODY_BYTES

DEFAULT_DATABASE_URL = "sqlite:///./var/registry.db"


class WitnessSetting(BaseModel):
    """One witness the log asks for cosignatures (C2SP tlog-witness)."""

    key: str = Field(
        description="The witness's cosigner verifier key (vkey of type 0x04), as printed by "
        "`registry witness key`."
    )
    url: str = Field(
        pattern=r"^https?://[^\s]+$",
        description="The witness's submission prefix; the log POSTs to <url>/add-checkpoint.",
    )


class Settings(BaseSettings):
    """Typed and validated at start-up; ``create_app(settings)`` takes an instance."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="forbid")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL. SQLite (the default) needs no set-up; "
        "use postgresql+psycopg://user@host/db in production.",
    )
    read_database_url: str | None = Field(
        default=None,
        description="A PostgreSQL streaming replica of database_url: every GET (search, "
        "pages, downloads, proofs) reads from it; writes, and whatever a write reads, go to "
        "the primary. A GET with min_seq=N reads from the replica once it holds entry N, else "
        "from the primary.",
    )
    read_wait_seconds: float = Field(
        default=1.0,
        ge=0,
        le=30,
        description="How long a GET with min_seq waits for the replica before the primary "
        "answers it.",
    )
    log_origin: str = Field(
        default="registry.localhost/ledger",
        description="The checkpoint origin line and the signing key's name (C2SP tlog-checkpoint).",
        pattern=r"^[^\s+]+$",
    )
    signing_key_file: Path = Field(
        default=Path("./var/ledger.key"),
        description="Ed25519 private key (PKCS#8 PEM), created with mode 0600 on first start.",
    )
    checkpoint_interval_seconds: float = Field(
        default=5.0,
        ge=0,
        description="A new checkpoint is signed at most this often; 0 signs after every write.",
    )
    risk_cap_share: Decimal = Field(
        default=Decimal("0.9"), gt=0, le=1, description="Risk indicator near_direct_cap."
    )
    risk_split_months: int = Field(default=12, ge=1, le=60, description="split_direct_awards.")
    risk_short_window_days: int = Field(default=10, ge=1, le=365, description="short_window.")
    risk_late_announcement_days: int = Field(
        default=10, ge=1, le=365, description="late_announcement."
    )
    risk_median_window_share: Decimal = Field(
        default=Decimal("0.5"), gt=0, le=1, description="window_below_funder_median."
    )
    risk_dominant_share: Decimal = Field(
        default=Decimal("0.5"), gt=0, lt=1, description="dominant_winner."
    )
    risk_repeat_years: int = Field(default=3, ge=2, le=50, description="repeat_winner.")
    risk_amendment_share: Decimal = Field(
        default=Decimal("0.2"), ge=0, description="amount_raised."
    )
    risk_late_publication_days: int = Field(
        default=30, ge=0, le=3650, description="late_publication."
    )
    risk_new_organization_days: int = Field(
        default=180, ge=1, le=3650, description="new_organization."
    )
    write_batch_max: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Group commit: at most this many award publications and events that arrive "
        "together are applied in one transaction (1 gives each its own).",
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's own OpenTelemetry traces, metrics and logs, sent to the providers "
        "OpenTelemetry is configured with (opentelemetry-instrument, or the SDK set up before "
        "the app starts). Off, FastAPI does not look for providers on every request.",
    )
    max_body_bytes: int = Field(
        default=DEFAULT_MAX_BODY_BYTES,
        ge=64 * 1024,
        description="The largest request body read (a 413 problem above it), but a batch's.",
    )
    max_batch_body_bytes: int = Field(
        default=DEFAULT_MAX_BATCH_BODY_BYTES,
        ge=64 * 1024,
        description="The largest body of a batch (POST /api/v1/batches) read; at least "
        "max_body_bytes.",
    )
    export_connections: int = Field(
        default=4,
        ge=1,
        le=100,
        description="Database connections set aside for downloads (CSV, JSON Lines): at most "
        "this many stream at once, so downloads never starve the API's own requests.",
    )
    export_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a download waits for a free download connection before the "
        "client is told to retry later (503 with Retry-After).",
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The base URL the service is reached at, used in links it returns.",
    )
    ocds_prefix: str = Field(
        default="ocds-uzkz01",
        description="The OCDS ocid prefix (registered with the Open Contracting Partnership).",
        pattern=r"^ocds-[a-z0-9]{6}$",
    )
    giving360_prefix: str = Field(
        default="uzkz-registry",
        description="The 360Giving identifier prefix: grant ids are 360G-<prefix>-<award id>.",
        pattern=r"^[A-Za-z0-9-]+$",
    )
    oversight_answer_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Calendar days a state body has to answer a public oversight conclusion, "
        "counted in its own time zone from the day it received it (also the longest extension). "
        "Set it to the term of the law in force in the jurisdiction.",
    )
    desk_idle_minutes: int = Field(
        default=15,
        ge=1,
        le=240,
        description="A desk session (the organizations' web forms) ends after this many minutes "
        "without a request, and after 8 hours in any case.",
    )
    witnesses: list[WitnessSetting] = Field(
        default=[],
        description='JSON list of {"key": <witness vkey>, "url": <submission prefix>}: the '
        "witnesses asked to cosign every checkpoint.",
    )
    witness_quorum: int = Field(
        default=1,
        ge=1,
        description="How many witness cosignatures a checkpoint needs to count as witnessed "
        "(receipts prefer such checkpoints; below it a checkpoint is still served).",
    )
    witness_timeout_seconds: float = Field(
        default=5.0, gt=0, le=60, description="How long the log waits for one witness's answer."
    )

    @model_validator(mode="after")
    def _quorum_reachable(self) -> "Settings":
        if self.witnesses and self.witness_quorum > len(self.witnesses):
            raise ValueError("witness_quorum exceeds the number of witnesses")
        return self

    @model_validator(mode="after")
    def _batch_limit_covers_a_write(self) -> "Settings":
        if self.max_batch_body_bytes < self.max_body_bytes:
            raise ValueError("max_batch_body_bytes is less than max_body_bytes")
        return self


PREFIX: Final = "REGISTRY_"
READ_ELSEWHERE: Final = frozenset({"REGISTRY_TEST_POSTGRES_URL"})
"""``REGISTRY_`` variables that are not settings: the test suite's PostgreSQL."""


class ConfigurationError(ValueError):
    """The environment does not configure the registry: each line names a variable."""


def environment_problems(environ: Mapping[str, str]) -> list[str]:
    """A ``REGISTRY_`` variable that is no setting, each with the setting it may have meant.

    pydantic-settings reads only the variables it knows and passes over the others, so a
    misspelt ``REGISTRY_DATABSE_URL`` left the registry on its SQLite default, silently (a new
    user's ``REGISTRY_KEY_PATH`` was ignored and the key written where they did not look)."""
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    problems = []
    for variable in sorted(environ):
        name = variable.upper()
        if not name.startswith(PREFIX) or name in known or name in READ_ELSEWHERE:
            continue
        meant = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        hint = f"; did you mean {meant[0]}?" if meant else ""
        problems.append(
            f"{variable} is not a setting of the registry (README: Configuration){hint}"
        )
    return problems


def load_settings() -> Settings:
    """The settings of the environment, or a ``ConfigurationError`` naming every variable
    that is wrong: one that is no setting, or a setting's value that does not read (its value
    is not repeated: a database URL may hold a password)."""
    problems = environment_problems(os.environ)
    if problems:
        raise ConfigurationError("\n".join(problems))
    try:
        return Settings()
    except SettingsError as exc:
        # A complex setting's JSON that does not parse: pydantic-settings names the field in
        # its message, and the value only in the error it was raised from, which stays here.
        raise ConfigurationError(f"{PREFIX}{_field_named(str(exc))}: is not valid JSON") from None
    except ValidationError as exc:
        lines = [
            (PREFIX + str(error["loc"][0]).upper() if error["loc"] else "the settings")
            + f": {error['msg']}"
            for error in exc.errors(include_url=False)
        ]
        raise ConfigurationError("\n".join(lines)) from exc


def _field_named(message: str) -> str:
    """The field a pydantic-settings ``SettingsError`` names (``error parsing value for field
    "witnesses" from source "EnvSettingsSource"``), upper-cased, or ``SETTINGS``."""
    match = re.search(r'field "([a-z_]+)"', message)
    return match.group(1).upper() if match else "SETTINGS"


@lru_cache
def get_settings() -> Settings:
    return load_settings()
