"""routing: a version on routing rules and categories (edited on pages and in the API;
a stale edit answers 409)

Revision ID: 0014_routing
Revises: 0013_useradmin
Create Date: 2026-11-29 14:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014_routing'
down_revision = '0013_useradmin'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('routing_rule', 'category'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    # Not batch_alter_table: on SQLite it copies the table and drops the old one, which
    # the seeded policies and rules referencing `category` refuse (foreign keys are on).
    # SQLite 3.35+ drops a plain column in place.
    for table in ('category', 'routing_rule'):
        op.drop_column(table, 'version')
