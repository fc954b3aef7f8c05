"""Every feature's models, imported so that Alembic and the tests see one MetaData."""

from registry.auth import models as auth_models
from registry.awards import models as award_models
from registry.competitions import models as competition_models
from registry.core import idempotency
from registry.core.db import Base
from registry.ledger import models as ledger_models
from registry.organizations import models as organization_models
from registry.oversight import models as oversight_models
from registry.publication import models as publication_models
from registry.web.desk import sessions as desk_sessions

__all__ = [
    "Base",
    "auth_models",
    "award_models",
    "competition_models",
    "desk_sessions",
    "idempotency",
    "ledger_models",
    "organization_models",
    "oversight_models",
    "publication_models",
]
