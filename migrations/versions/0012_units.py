"""units: on-call phone, whether it takes work orders, a version; the areas a unit serves

Revision ID: 0012_units
Revises: 0011_session_version
Create Date: 2026-11-29 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_units'
down_revision = '0011_session_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_call_phone', sa.String(length=40), nullable=True))
        # Every unit took work orders before: keep it so.
        batch_op.add_column(sa.Column('takes_work_orders', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.create_table('unit_area',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_unit_area_area_id_area')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_area_unit_id_unit')),
    sa.PrimaryKeyConstraint('unit_id', 'area_id', name=op.f('pk_unit_area'))
    )
    with op.batch_alter_table('unit_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_area_area_id'), ['area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('unit_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_area_area_id'))
    op.drop_table('unit_area')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('takes_work_orders')
        batch_op.drop_column('on_call_phone')
