"""Where scored calls, the org, notes and plans live (SQLAlchemy + Alembic)."""

from coachloop.store._migrate import database_url, migrate
from coachloop.store._store import Store

__all__ = ["Store", "database_url", "migrate"]
