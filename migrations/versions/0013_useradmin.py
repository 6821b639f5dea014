"""users: must_change_password (after an admin's reset) and a version for admin edits

Revision ID: 0013_useradmin
Revises: 0012_units
Create Date: 2026-11-29 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013_useradmin'
down_revision = '0012_units'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('must_change_password')
