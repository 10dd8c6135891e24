"""room blocks

Revision ID: c47a0e5d2f18
Revises: 8d2e4b6a1c93
Create Date: 2024-05-14 09:03:47.204551

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c47a0e5d2f18'
down_revision = '8d2e4b6a1c93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('room_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('blocked_from', sa.Date(), nullable=False),
    sa.Column('blocked_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('room_blocks')
