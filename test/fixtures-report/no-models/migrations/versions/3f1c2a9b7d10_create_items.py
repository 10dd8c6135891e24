"""create items

Revision ID: 3f1c2a9b7d10
Revises:
Create Date: 2025-01-20 09:12:44.102311

"""
from alembic import op
import sqlalchemy as sa

revision = '3f1c2a9b7d10'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('items')
