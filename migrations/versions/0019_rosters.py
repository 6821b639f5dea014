"""rosters: back-to-back double shifts (连班) asked for and approved; the demo's marker

Revision ID: 0019_rosters
Revises: 0018_desk
Create Date: 2026-11-29 17:30:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


revision = '0019_rosters'
down_revision = '0018_desk'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_double_shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('first_template_id', sa.Integer(), nullable=False),
    sa.Column('second_day', sa.Date(), nullable=False),
    sa.Column('second_template_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', 'withdrawn', name='requeststatus', native_enum=False, length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', hotline.core.orm.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', hotline.core.orm.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_roster_double_shift_user_id_user')),
    sa.ForeignKeyConstraint(['first_template_id'], ['shift_template.id'], name=op.f('fk_roster_double_shift_first_template_id_shift_template')),
    sa.ForeignKeyConstraint(['second_template_id'], ['shift_template.id'], name=op.f('fk_roster_double_shift_second_template_id_shift_template')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_roster_double_shift_requested_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_roster_double_shift_decided_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_double_shift'))
    )
    op.create_index('ix_roster_double_shift_user_first', 'roster_double_shift', ['user_id', 'first_day'], unique=False)
    op.create_table('demo_instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seeded_at', hotline.core.orm.UTCDateTime(), nullable=False),
    sa.Column('refreshed_at', hotline.core.orm.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_instance'))
    )


def downgrade():
    op.drop_table('demo_instance')
    op.drop_index('ix_roster_double_shift_user_first', table_name='roster_double_shift')
    op.drop_table('roster_double_shift')
