"""routing: one 'any area' rule per category, kept by the database too (the unique key on
category and area lets NULL areas repeat)

Revision ID: 0017_routing_any_area_unique
Revises: 0016_sessions
Create Date: 2026-11-29 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_routing_any_area_unique'
down_revision = '0016_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_routing_rule_any_area', 'routing_rule', ['category_id'], unique=True,
                    sqlite_where=sa.text('area IS NULL'), postgresql_where=sa.text('area IS NULL'))


def downgrade():
    op.drop_index('uq_routing_rule_any_area', table_name='routing_rule')
