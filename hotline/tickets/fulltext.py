"""Substring search over what people search tickets by: the ticket's number, the caller's
name and the address as given, the matter in the caller's words, and the caller's phone.

Indexed on both engines (migration 0022_search): SQLite FTS5 tables with the trigram
tokenizer (ticket_fts, caller_fts, kept in sync by triggers), PostgreSQL pg_trgm GIN
indexes. A trigram index finds a word of 3 characters or more; a shorter word (most
Chinese words are two characters: 漏水, 停水) is looked for, unindexed, in the newest
RECENT_WINDOW tickets only, and the answer says so.

Mind on SQLite: a later migration that rebuilds the ticket or caller table
(batch_alter_table copies it) drops the triggers with it; create them again there and
'rebuild' the FTS table (0022_search has the statements)."""
from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    func,
    or_,
    select,
)

from hotline.callers.models import Caller
from hotline.core.extensions import db
from hotline.tickets.models import Ticket

MIN_INDEXED = 3  # the trigram tokenizer / pg_trgm: shorter words have no trigram
RECENT_WINDOW = 20_000  # tickets searched, unindexed, for a shorter word

SEARCHED = ("number", "caller_name", "address", "matter")
_fts = MetaData()  # not the models' metadata: created by the migration, not create_all
ticket_fts = Table("ticket_fts", _fts, Column("rowid", Integer), Column("ticket_fts", String))
caller_fts = Table("caller_fts", _fts, Column("rowid", Integer), Column("caller_fts", String))


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def like_pattern(word: str) -> str:
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


def contains(columns: tuple[str, ...], word: str) -> ColumnElement:
    """Tickets with `word` (MIN_INDEXED characters or more) in any of these ticket columns."""
    if _sqlite():
        match = "{" + " ".join(columns) + "} : " + _phrase(word)
        return Ticket.id.in_(select(ticket_fts.c.rowid).where(ticket_fts.c.ticket_fts.op("MATCH")(match)))
    return or_(*(_like(getattr(Ticket, c), word) for c in columns))


def _like(column, word: str) -> ColumnElement:
    """LIKE, or ILIKE where case matters (Chinese has none: LIKE rechecks each row faster)."""
    if word.lower() == word.upper():
        return column.like(like_pattern(word), escape="\\")
    return column.ilike(like_pattern(word), escape="\\")


def candidates(word: str) -> ColumnElement:
    """Tickets with `word` (MIN_INDEXED characters or more) anywhere searched: one lookup."""
    if _sqlite():
        return Ticket.id.in_(select(ticket_fts.c.rowid).where(ticket_fts.c.ticket_fts.op("MATCH")(_phrase(word))))
    return contains(SEARCHED, word)


def contains_unindexed(columns: tuple[str, ...], word: str) -> ColumnElement:
    """A shorter word, as LIKE over the row (bound the rows with `recent_window`)."""
    return or_(*(_like(getattr(Ticket, c), word) for c in columns))


def recent_window() -> ColumnElement:
    """The newest RECENT_WINDOW tickets (by id, an index range on every engine)."""
    newest = select(func.max(Ticket.id)).scalar_subquery()
    return Ticket.id > newest - RECENT_WINDOW


STAGES = (50_000, 250_000)  # PostgreSQL: the newest tickets searched first, then more, then all


def id_ranges() -> list[tuple[int | None, int | None]]:
    """The id ranges (lower, upper], newest first, a search looks in one after the other
    until it has enough. PostgreSQL rechecks in the table every row a trigram index
    returns: all 37,000 rows of a common word (水表过户 at a million) cost 190 ms, the
    newest 50,000 tickets' share of them 10. SQLite's FTS5 hands over row ids only: one
    range, all."""
    if _sqlite():
        return [(None, None)]
    newest = db.session.scalar(select(func.max(Ticket.id))) or 0
    ranges, upper = [], None
    for size in STAGES:
        if newest - size <= 0:
            break
        ranges.append((newest - size, upper))
        upper = newest - size
    return [*ranges, (None, upper)]


FEW_FURTHER_BACK = 10_000  # rows a trigram lookup over all tickets rechecks in well under a window's walk


def few_further_back(found: int, lower: int, upper: int | None) -> bool:
    """Do the tickets below `lower` likely hold few enough of what the newest window
    (lower, upper] held `found` of, to look through all of them at once? ("马先生", 2,500
    tickets in a million, found 122 in the newest 50,000: one lookup of 8 ms, not a second
    window whose id range PostgreSQL builds a bitmap of, 15 ms, and a third.)"""
    searched = upper - lower if upper is not None else STAGES[0]  # id_ranges: the newest first
    return found * lower / searched <= FEW_FURTHER_BACK


def callers_with_phone_part(digits: str) -> Select:
    """Callers whose number contains these digits (3 or more): '8000', '0013 8000'; newest first."""
    if _sqlite():
        match = caller_fts.c.caller_fts.op("MATCH")("phone : " + _phrase(digits))
        return select(caller_fts.c.rowid).where(match).order_by(caller_fts.c.rowid.desc())
    return select(Caller.id).where(Caller.phone.like(like_pattern(digits), escape="\\")).order_by(Caller.id.desc())
