"""venue city

Revision ID: e5b83f0a9d27
Revises: 8d2e4b6a1c93
Create Date: 2024-05-15 11:26:02.930174

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b83f0a9d27'
down_revision = '8d2e4b6a1c93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('venues', sa.Column('city', sa.String(length=80), nullable=True))


def downgrade() -> None:
    op.drop_column('venues', 'city')
