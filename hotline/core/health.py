"""GET /healthz: 200 when every part this process depends on answers, 503 naming what is down.

- database: `SELECT 1`;
- redis: a PING, when REDIS_URL is configured ("off" otherwise);
- scheduler: the SLA scheduler's heartbeat (hotline.core.heartbeat, written by every sweep in
  whichever process runs it): the time of its last sweep and the deadline it waits for. Down
  when it never swept or its last sweep is older than STALE_AFTER x its safety-sweep interval;
  "off" when HOTLINE_SLA_SCHEDULER=off (tests, CLI).
The wall board polls it (static/js/health.js) and names what is down in a banner."""
from __future__ import annotations

from datetime import timedelta
from typing import Literal

from flask import Blueprint, current_app, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core import heartbeat
from hotline.core.openapi import operation

bp = Blueprint("health", __name__)

STALE_AFTER = 3  # safety-sweep intervals without a sweep: the scheduler is down
REDIS_TIMEOUT = 1.0  # seconds


class SchedulerHealthOut(BaseModel):
    status: Literal["ok", "down", "off", "unknown"] = Field(
        description="'off': HOTLINE_SLA_SCHEDULER=off, or embedded in a process that started none (tests, "
                    "CLI); 'unknown': the database is down")
    mode: str = Field(description="HOTLINE_SLA_SCHEDULER of this process: embedded, worker or off")
    last_sweep: str | None = Field(None, description="end of the last sweep (ISO 8601, UTC), by any process")
    next_deadline: str | None = Field(None, description="the earliest deadline ahead after that sweep")
    stale_after_seconds: int | None = Field(None, description="down when the last sweep is older than this")
    process: str | None = Field(None, description="host:pid of the process that swept")


class HealthOut(BaseModel):
    status: Literal["ok", "error"]
    database: str = Field(description="'ok', or the name of the database error")
    redis: str = Field(description="'ok', 'off' (no REDIS_URL), or the name of the error")
    scheduler: SchedulerHealthOut
    down: list[str] = Field(description="what is down: database, redis, scheduler (empty when all is well)")


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as exc:
        db.session.rollback()
        return exc.__class__.__name__


def _redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "off"
    try:
        import redis  # only with REDIS_URL: the package is needed then only

        client = current_app.extensions.get("hotline.health.redis")
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
            current_app.extensions["hotline.health.redis"] = client
        client.ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means down; its name says which
        return exc.__class__.__name__


def _iso(at) -> str | None:
    return at.isoformat().replace("+00:00", "Z") if at else None


def _scheduler(database_ok: bool) -> dict:
    mode = current_app.config.get("SLA_SCHEDULER", "embedded")
    out = {"status": "off", "mode": mode}
    if mode == "off" or (mode == "embedded" and not heartbeat.started_here(current_app)):
        return out  # no scheduler meant to run (tests, the CLI, a bare `flask run`)
    if not database_ok:
        return {**out, "status": "unknown"}
    try:
        beat = heartbeat.last(db.session)
    except SQLAlchemyError:
        db.session.rollback()
        return {**out, "status": "unknown"}
    interval = (beat.interval_seconds if beat and beat.interval_seconds else None) \
        or int(current_app.config.get("SLA_SAFETY_SWEEP_SECONDS", 60))
    stale_after = STALE_AFTER * interval
    out.update(status="down", last_sweep=None, next_deadline=None, stale_after_seconds=stale_after, process=None)
    if beat is None or beat.swept_at is None:
        return out  # never swept
    out.update(last_sweep=_iso(beat.swept_at), next_deadline=_iso(beat.next_deadline), process=beat.process)
    if clock.now() - beat.swept_at <= timedelta(seconds=stale_after):
        out["status"] = "ok"
    return out


@bp.get("/healthz")
@operation("Health: the database, Redis (when configured) and the SLA scheduler", response=HealthOut,
           status={200: "Everything up (or off)", 503: "Something is down: `down` names it"},
           operation_id="health", public=True,
           description="The scheduler counts as down when its last sweep (by whichever process runs it) is "
                       f"older than {STALE_AFTER} safety-sweep intervals, or it never swept; 'off' when "
                       "HOTLINE_SLA_SCHEDULER=off.")
def healthz():
    database = _database()
    redis = _redis()
    scheduler = _scheduler(database == "ok")
    down = [name for name, ok in (("database", database == "ok"), ("redis", redis in ("ok", "off")),
                                  ("scheduler", scheduler["status"] != "down")) if not ok]
    db.session.rollback()  # a read: end it (SQLite keeps no snapshot open)
    body = {"status": "error" if down else "ok", "database": database, "redis": redis,
            "scheduler": scheduler, "down": down}
    return jsonify(body), 503 if down else 200
