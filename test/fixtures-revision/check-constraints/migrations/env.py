from alembic import context
from sqlalchemy import engine_from_config, pool

from shop.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run migrations against the shop's SQLite file; SQLite alters tables in batch mode; named CHECK constraints are compared."""
    connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            autogenerate_plugins=["alembic.autogenerate.*", "alembic.ext.checkconstraint_byname"],
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
