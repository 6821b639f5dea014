"""audit: the append-only audit log

Revision ID: 0010_audit
Revises: 0009_idempotency_heartbeat
Create Date: 2026-11-29 14:10:00

"""
from alembic import op
import sqlalchemy as sa

import hotline.core.orm


revision = '0010_audit'
down_revision = '0009_idempotency_heartbeat'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', hotline.core.orm.UTCDateTime(), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_audit_event_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_event_action_at', ['action', 'at'], unique=False)
        batch_op.create_index('ix_audit_event_actor_id_at', ['actor_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_event_ticket_id', ['ticket_id'], unique=False)

    # Append-only in the database too, not only in our ORM: a stray UPDATE or DELETE
    # (a script, a console) is refused.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql""")
        op.execute("""
            CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""")
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"""
                CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table('audit_event')
