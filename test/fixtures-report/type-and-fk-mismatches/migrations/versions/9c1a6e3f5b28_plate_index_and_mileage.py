"""plate index and mileage

Revision ID: 9c1a6e3f5b28
Revises: 2e9b4d7c0a15
Create Date: 2024-06-04 10:58:13.226409

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c1a6e3f5b28'
down_revision = '2e9b4d7c0a15'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('vehicles', sa.Column('mileage_km', sa.Integer(), nullable=True))
    op.create_index('ix_vehicles_plate', 'vehicles', ['plate'], unique=False)
    op.alter_column('drivers', 'licence_no',
               existing_type=sa.VARCHAR(length=20),
               type_=sa.String(length=16),
               existing_nullable=False)


def downgrade() -> None:
    op.alter_column('drivers', 'licence_no',
               existing_type=sa.String(length=16),
               type_=sa.VARCHAR(length=20),
               existing_nullable=False)
    op.drop_index('ix_vehicles_plate', table_name='vehicles')
    op.drop_column('vehicles', 'mileage_km')
