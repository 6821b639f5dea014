"""The one clock. Every 'now' in the app comes from here, so tests can set it."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

_frozen: datetime | None = None
_offset = timedelta()


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc) + _offset


def freeze(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    global _frozen
    _frozen = at.astimezone(timezone.utc)


def advance(delta: timedelta) -> None:
    """Move the clock forward: the frozen time, or the offset of the real one."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def is_frozen() -> bool:
    """Whether a test (or the demo's history) holds the clock."""
    return _frozen is not None


def reset() -> None:
    global _frozen, _offset
    _frozen, _offset = None, timedelta()


def center_tz() -> ZoneInfo:
    name = current_app.config["HOTLINE_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def local(at: datetime | None = None) -> datetime:
    """A time (default: now) in the center's time zone."""
    return (at or now()).astimezone(center_tz())
