"""create venues

Revision ID: 3f1c9a2e7b40
Revises: 
Create Date: 2024-04-02 10:12:31.118204

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1c9a2e7b40'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('venues')
