from alembic import context

from inventory.schema import build_metadata

# The tables are described at run time, from a registry this project fills when it starts.
target_metadata = build_metadata()


def run_migrations_online():
    connectable = context.config.attributes["connection"]
    context.configure(connection=connectable, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
