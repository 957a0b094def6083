"""Alembic environment: run by :func:`coachloop.store.migrate`, not by a CLI.

The caller hands over an open connection in ``config.attributes`` so the
migration runs on the store's own engine (a file, or a PostgreSQL URL).
"""

from __future__ import annotations

from alembic import context
from coachloop.store._tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters tables by copying them; batch mode makes later
    # revisions' ALTERs work there as they do on PostgreSQL.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
