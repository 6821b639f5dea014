"""PostgreSQL: id sequences caught up with rows seeded with explicit ids

0003 seeded sla_calendar with id 1 explicitly, which leaves PostgreSQL's sequence at
its start: the first calendar created afterwards took id 1 again and failed
(UniqueViolation, a 500). Every table's id sequence is set to its largest id.
Nothing to do on SQLite (an INTEGER PRIMARY KEY takes max(id) + 1).

Revision ID: 0007_pg_sequences
Revises: 0006_seat_version
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_pg_sequences'
down_revision = '0006_seat_version'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    inspector = sa.inspect(bind)
    for table in inspector.get_table_names():
        if "id" not in {c["name"] for c in inspector.get_columns(table)}:
            continue
        sequence = bind.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{table}"'}).scalar()
        if sequence is None:
            continue
        # setval(seq, max, true): the next id is max + 1; an empty table starts again at 1.
        bind.execute(sa.text(
            f'SELECT setval(:s, coalesce((SELECT max(id) FROM "{table}"), 0) + 1, false)'
        ), {"s": sequence})


def downgrade():
    pass  # a sequence ahead of the rows harms nothing
