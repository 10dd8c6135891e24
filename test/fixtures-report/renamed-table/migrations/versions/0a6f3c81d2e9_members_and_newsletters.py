"""members and newsletters

Revision ID: 0a6f3c81d2e9
Revises: 
Create Date: 2023-11-20 14:05:12.530981

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a6f3c81d2e9'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mailing_list_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('confirmed', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('joined_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('newsletters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('newsletters')
    op.drop_table('mailing_list_members')
