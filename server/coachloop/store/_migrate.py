"""Open the store's database and bring its schema to the newest revision."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(value: str) -> str:
    """A SQLAlchemy URL as given, or a file path taken as a SQLite file."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def create_engine(url: str) -> sa.Engine:
    url = database_url(url)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Foreign keys are off by default in SQLite; WAL lets readers (the
        # CLI's queue, a backup) run while the server writes.
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in url:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: sa.Engine) -> str | None:
    """Upgrade to head; returns the revision the database is now at."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT version_num FROM alembic_version")).first()
    revision = row[0] if row else None
    logger.info("store at %s, schema revision %s", engine.url, revision)
    return revision
