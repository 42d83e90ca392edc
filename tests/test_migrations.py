"""The migrations build exactly the schema the models describe, on both backends."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

# Tables defined outside directory/ register on the shared metadata when imported.
import bot.access  # noqa: F401
import bot.broadcast_store  # noqa: F401
import bot.outbox  # noqa: F401
import bot.storage  # noqa: F401
import directory.curation  # noqa: F401
from directory.models import Base


def test_migrated_schema_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
