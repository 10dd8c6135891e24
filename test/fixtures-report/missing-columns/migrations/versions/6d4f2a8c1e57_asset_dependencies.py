"""asset dependencies

Revision ID: 6d4f2a8c1e57
Revises: 1b7e0c5a9f32
Create Date: 2023-07-03 17:15:09.402776

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d4f2a8c1e57'
down_revision = '1b7e0c5a9f32'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('asset_dependencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('depends_on_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['assets.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['depends_on_id'], ['assets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_id', 'depends_on_id', name='uq_asset_dependencies_pair')
    )
    op.add_column('users', sa.Column('is_admin', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade() -> None:
    op.drop_column('users', 'is_admin')
    op.drop_table('asset_dependencies')
