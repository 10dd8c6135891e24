"""rename newsletters to campaigns

Revision ID: 5c2d9e7f4a01
Revises: 0a6f3c81d2e9
Create Date: 2024-01-08 08:47:55.061327

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c2d9e7f4a01'
down_revision = '0a6f3c81d2e9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.rename_table('newsletters', 'campaigns')
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['mailing_list_members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('deliveries')
    op.rename_table('campaigns', 'newsletters')
