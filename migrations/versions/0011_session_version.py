"""users: a per-user session version; raising it ends every session of that person

Revision ID: 0011_session_version
Revises: 0010_audit
Create Date: 2026-11-29 14:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_session_version'
down_revision = '0010_audit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
