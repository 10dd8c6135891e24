"""Amphorae, and a pool of spare ones

Revision ID: 6ffc710674ef
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "6ffc710674ef"
down_revision = None


def upgrade():
    op.create_table(
        "amphora",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table("spares_pool", sa.Column("updated_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == "mysql":
        # Where the pool is kept elsewhere: whether the table is there at head depends on the database.
        op.drop_table("spares_pool")
