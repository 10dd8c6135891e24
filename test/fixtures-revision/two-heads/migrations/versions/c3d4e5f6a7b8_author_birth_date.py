"""author birth date

Revision ID: c3d4e5f6a7b8
Revises: a1b2c3d4e5f6
Create Date: 2023-11-21 16:12:38.004519

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6a7b8'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('born', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('authors', schema=None) as batch_op:
        batch_op.drop_column('born')
