"""Declarative base, column types and the SQLite and PostgreSQL connection settings."""
import sqlite3
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import has_request_context, request
from sqlalchemy import DateTime, Enum, MetaData, bindparam, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

from hotline.core.cooperative import patched

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects the migrations create and the models do not describe (SQLite FTS5 tables with
# their shadow tables, PostgreSQL trigram indexes, PostgreSQL-only partial indexes
# `ix_pg_`): alembic's comparison skips them.
OUTSIDE_MODELS = ("ticket_fts", "caller_fts", "ix_trgm_", "ix_pg_")


def outside_models(name, type_, parent_names) -> bool:
    """alembic `include_name`: False for the objects above."""
    return not (name or "").startswith(OUTSIDE_MODELS)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite keeps no time zone; storing naive UTC and re-attaching it on the way
    out means deadline comparisons never mix naive and aware values."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(DateTime(timezone=dialect.name != "sqlite"))


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


# Set by code outside a request that only reads (the scheduler's peek): its
# transactions start deferred instead of taking the write lock.
reading_only: ContextVar[bool] = ContextVar("reading_only", default=False)

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def write_intent() -> bool:
    """Requests that only read start deferred transactions; all else take the write lock."""
    if reading_only.get():
        return False
    return not has_request_context() or request.method not in _READ_METHODS


# How long a writer waits for SQLite's write lock before giving up (busy).
BUSY_TIMEOUT_MS = 10_000
# Under gevent, the longest any one sqlite3 call may sit in SQLite's busy handler.
COOPERATIVE_BUSY_MS = 50


def configure_sqlite(engine: Engine, write_intent) -> None:
    """WAL, a busy timeout, foreign keys; writers start with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes cannot wait for the
    write lock in WAL mode (SQLITE_BUSY_SNAPSHOT), so transactions that may
    write take the lock up front. `write_intent()` says which ones.

    Under gevent (gunicorn's worker, hotline.core.cooperative) a sqlite3 call runs
    in C without yielding: one waiting in SQLite's busy handler sleeps there, and
    the whole worker (every connection) with it; if the holder of the write lock is
    a greenlet of the same worker, it cannot even run to let go. So there the busy
    handler is cut to COOPERATIVE_BUSY_MS (reads in WAL mode almost never meet it),
    writers of the worker queue on the (patched, cooperative) Python lock below, and
    BEGIN IMMEDIATE against another process's lock (a CLI, `flask sla-worker`) is
    retried with cooperative sleeps, up to BUSY_TIMEOUT_MS as before."""
    cooperative = patched()
    busy_ms = COOPERATIVE_BUSY_MS if cooperative else BUSY_TIMEOUT_MS

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    # Writers of this process queue on a Python lock before BEGIN IMMEDIATE: a
    # thread waiting in SQLite's busy handler sleeps and polls (up to 100 ms a
    # try), which under a few concurrent writers gives second-long tail latencies.
    # Other processes (CLI, a scheduler) still meet the busy timeout. The lock is
    # released once the transaction has ended, wherever it ends. (Created here, after
    # gevent's monkey-patching when there is any: then it is a gevent lock.)
    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if not write_intent():
            connection.exec_driver_sql("BEGIN")
            return
        got = write_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000)  # never hang: fall back to the busy timeout
        connection.info["holds_write_lock"] = got
        try:
            if cooperative:
                try:
                    _begin_immediate_yielding(connection.connection.dbapi_connection)
                except sqlite3.Error as exc:  # as SQLAlchemy would have raised it
                    raise sa_exc.OperationalError("BEGIN IMMEDIATE", (), exc) from exc
            else:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    def _begin_immediate_yielding(raw) -> None:
        """BEGIN IMMEDIATE without SQLite's busy handler; while another process holds
        the lock, sleep (a gevent sleep: the worker's other greenlets run) and retry."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.001
        raw.execute("PRAGMA busy_timeout=0")
        try:
            while True:
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise
                time.sleep(pause)
                pause = min(pause * 2, 0.025)
        finally:
            raw.execute(f"PRAGMA busy_timeout={busy_ms}")

    def _release(info) -> None:
        if info.pop("holds_write_lock", False):
            write_lock.release()

    def _end(method: str):
        def handler(connection):
            # End the transaction here, then let the next writer in; SQLAlchemy's own
            # commit()/rollback() that follows finds no transaction and does nothing.
            try:
                getattr(connection.connection.dbapi_connection, method)()
            finally:
                _release(connection.info)

        return handler

    event.listen(engine, "commit", _end("commit"))
    event.listen(engine, "rollback", _end("rollback"))
    # A connection returned to the pool mid-transaction is rolled back by the pool.
    event.listen(engine.pool, "reset", lambda _dbapi, record, _state: _release(record.info))


def configure_postgresql(engine: Engine) -> None:
    """Every statement planned for its own values: psycopg's automatic server-side prepare
    (after 5 runs of a statement on a connection) lets PostgreSQL switch to a generic plan,
    one made without the values, after 5 more; for a search (`LIKE '%...%'` over trigram
    indexes), a partial index (the open tickets) or an id window, that plan walks the
    whole table: a search of 150 ms took 350-620 ms from its 11th run at a million
    tickets (bench/scale.py). Planning each time costs well under a millisecond.

    And a random page read costs the planner RANDOM_PAGE_COST, not PostgreSQL's default 4
    (made for spinning disks): with 4 it walked the newest 50,000 tickets comparing the
    text of each (56 ms) rather than read the thousand rows the trigram indexes point at
    (21 ms), for a word in 2% of the addresses at a million tickets."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        if hasattr(dbapi_connection, "prepare_threshold"):  # psycopg 3
            dbapi_connection.prepare_threshold = None
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET in a transaction rolled back would be undone
        dbapi_connection.cursor().execute(f"SET random_page_cost = {RANDOM_PAGE_COST}")
        dbapi_connection.autocommit = autocommit


RANDOM_PAGE_COST = 1.1  # solid-state storage, as the PostgreSQL documentation suggests for it


def in_ids(column, ids):
    """`column IN (ids)` with the ids written into the SQL: hundreds of parameters cost more
    to render, bind and parse than the lookup itself (they are integers: nothing to escape)."""
    return column.in_(bindparam("ids", list(ids), expanding=True, literal_execute=True, unique=True))


def str_enum(cls) -> Enum:
    """A portable VARCHAR enum column that stores the members' values."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


_hooked: set[tuple[int, str]] = set()


def listen_once(session, owner: str, *listeners: tuple[str, Callable]) -> None:
    """Attach `owner`'s (event name, handler) listeners to a session factory once: the
    factory runs for every app (tests make many), the scoped session is one."""
    if (id(session), owner) in _hooked:
        return
    _hooked.add((id(session), owner))
    for name, handler in listeners:
        event.listen(session, name, handler)


def upsert(session, model):
    """An INSERT for `model` in the dialect of the session's database, with its
    `on_conflict_do_nothing` / `on_conflict_do_update` (SQLite and PostgreSQL alike).

    For rows keyed by a unique column that concurrent requests may both create: a
    select-then-insert races (both see nothing, one insert violates the key); an
    INSERT ... ON CONFLICT lets the database settle it (PostgreSQL waits for the other
    transaction, then skips or updates)."""
    dialect = session.get_bind().dialect.name
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect](model)
