"""Every feature's models, imported so that Alembic and the tests see one MetaData."""

from registry.core.db import Base
from registry.ledger import models as ledger_models

__all__ = ["Base", "ledger_models"]
