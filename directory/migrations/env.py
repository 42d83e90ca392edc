"""Alembic environment: the engine (or an open connection) is handed in by directory.db."""

import importlib

from alembic import context

from directory.models import Base, UTCDateTime

# The migrations are the schema's one owner: they see every table, wherever its model
# lives, so `alembic revision --autogenerate` never proposes dropping the bot's tables.
# (Alembic runs this file; nothing in directory/ imports it.)
MODEL_MODULES = ("directory.models", "directory.curation", "bot.state", "bot.claims",
                 "bot.access", "bot.outbox", "bot.broadcasts.store", "bot.broadcasts.budget",
                 "bot.reminders.store")
for module in MODEL_MODULES:
    importlib.import_module(module)

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """Autogenerate writes the models' UTCDateTime as the column it is, so a migration
    never imports the application: sa.DateTime(timezone=True)."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes["engine"]
    with engine.connect() as conn:
        # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table.
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True,
                          render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
