"""desk: a dispatcher's saved views of the dispatch desk (name and filters, per person)

Revision ID: 0018_desk
Revises: 0017_routing_any_area_unique
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


revision = '0018_desk'
down_revision = '0017_routing_any_area_unique'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'desk_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('created_at', hotline.core.orm.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_desk_view_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_view')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_desk_view_user_id')),
    )
    with op.batch_alter_table('desk_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_desk_view_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('desk_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_view_user_id'))
    op.drop_table('desk_view')
