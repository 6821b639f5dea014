"""Counting a list's rows without paying more than for its page: with a cap, the
count stops at cap + 1 rows, and the page says "10,000+" (a list) or "99+" (a badge).
An exact count of half a million alerts costs more than the fifty shown."""
from sqlalchemy import Select, func, literal, select

from hotline.core.extensions import db

LIST_CAP = 10_000  # a list's total beyond this is shown as "10,000+"


def count_rows(stmt: Select, cap: int | None = None) -> int:
    """The rows of `stmt`; with a cap, at most cap + 1 (more than the cap reads "cap+")."""
    stmt = stmt.order_by(None)
    if cap is not None:
        # one constant column: the count needs no row read beyond the index that finds it
        stmt = stmt.with_only_columns(literal(1), maintain_column_froms=True).options().limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))
