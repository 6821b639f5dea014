"""search at a million tickets: substring indexes over the words people search by
(SQLite: FTS5 trigram tables kept in sync by triggers; PostgreSQL: pg_trgm GIN indexes),
a prefix index on the caller's name as given, and composite indexes for the list's
filters in the list's default order. The full-text objects are not in the models
(hotline/core/orm.py `outside_models`); see hotline/tickets/fulltext.py.

Revision ID: 0022_search
Revises: 0021_handover
Create Date: 2026-11-29 19:00:00

"""
from alembic import op

revision = '0022_search'
down_revision = '0021_handover'
branch_labels = None
depends_on = None

# (table, fts table, columns) - the columns searched as substrings
FULLTEXT = (
    ('ticket', 'ticket_fts', ('number', 'caller_name', 'address', 'matter')),
    ('caller', 'caller_fts', ('phone',)),
)
LIST_INDEXES = (
    ('ix_ticket_status_created_at', ('status', 'created_at')),
    ('ix_ticket_category_id_created_at', ('category_id', 'created_at')),
    ('ix_ticket_unit_id_created_at', ('unit_id', 'created_at')),
    ('ix_ticket_priority_created_at', ('priority', 'created_at')),
    ('ix_ticket_caller_id_created_at', ('caller_id', 'created_at')),
    ('ix_ticket_caller_name', ('caller_name',)),
)


def _sqlite_fulltext(table, fts, columns):
    cols = ', '.join(columns)
    new = ', '.join(f'new.{c}' for c in columns)
    old = ', '.join(f'old.{c}' for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', "
               f"tokenize='trigram')")
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END")
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade():
    for name, columns in LIST_INDEXES:
        op.create_index(name, 'ticket', list(columns))
    if op.get_bind().dialect.name == 'sqlite':
        for table, fts, columns in FULLTEXT:
            _sqlite_fulltext(table, fts, columns)
    else:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        for table, _fts, columns in FULLTEXT:
            for column in columns:
                op.execute(f'CREATE INDEX ix_trgm_{table}_{column} ON {table} USING gin ({column} gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for table, fts, _columns in FULLTEXT:
            for suffix in ('ai', 'ad', 'au'):
                op.execute(f'DROP TRIGGER IF EXISTS {fts}_{suffix}')
            op.execute(f'DROP TABLE IF EXISTS {fts}')
    else:
        for table, _fts, columns in FULLTEXT:
            for column in columns:
                op.execute(f'DROP INDEX IF EXISTS ix_trgm_{table}_{column}')
    for name, _columns in LIST_INDEXES:
        op.drop_index(name, 'ticket')
