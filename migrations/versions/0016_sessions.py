"""users: an optional expiry for API and board tokens

Revision ID: 0016_sessions
Revises: 0015_privacy
Create Date: 2026-11-29 14:30:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


revision = '0016_sessions'
down_revision = '0015_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', hotline.core.orm.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
