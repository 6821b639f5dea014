"""A center of any size: `flask demo-scale --tickets 1000000 --days 365`.

Made from real work, copied in bulk. First the small demo (hotline.demo) runs through
the services on an empty database: the center's units and staff, routing, duty, and a
few weeks of tickets worked to their end with their timelines, work orders, SLA clocks,
alerts, escalations and callbacks. Those finished tickets are the templates. Each new
ticket is one template's whole life moved by whole weeks (same weekday, same time of
day, so working-hour deadlines stay right) and told by another caller: a caller of its
own (about 0.3 per ticket, a few ringing again and again), the matter, address,
district and branch of that caller. A life that reaches past now stops at now (the
last days' open work); and enough older tickets stop part-way (stuck at some step, days
ago) to reach the open count asked for, their deadlines since then recorded as the
sweep would have (warnings, breaches, escalations, acknowledged unless recent).

Rows go in with precomputed ids through SQLAlchemy Core executemany in chunks; on
SQLite with synchronous=OFF and foreign key checks off during the load. Ticket numbers
continue each day's sequence (hotline.tickets.numbering) and the sequence rows are left
at the last number given, so new tickets get fresh numbers."""
import heapq
import json
import math
import random
import time
from bisect import bisect
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import accumulate

import click
from sqlalchemy import JSON, Enum, func, insert, select, text

from dispatch.workorders.models import WorkOrderStatus
from hotline.callbacks.models import CallbackStatus
from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import UTCDateTime
from hotline.demo import calls
from hotline.demo.center import BRANCHES
from hotline.demo.models import DemoInstance
from hotline.duty.dutylog.demo import LOG
from hotline.duty.dutylog.services import review_day
from hotline.sla.engine import marks
from hotline.sla.models import AlertKind, ExtensionStatus
from hotline.tickets import fulltext
from hotline.tickets.models import Priority, Status
from hotline.users.models import User

SEED = 12_345_000
CLONED = ["call", "ticket", "ticket_event", "ticket_note", "work_order", "sla_clock", "sla_pause", "sla_extension",
          "sla_alert", "escalation", "escalation_step", "callback", "callback_attempt"]
CHUNK = 2000  # tickets per insert round
ROWS_PER_STATEMENT = 5000
CALLERS_PER_TICKET = 0.3
OPEN_SHARE = 0.03  # 30,000 open at a million
STUCK_DAYS = 7.0  # stuck tickets: their age falls off like exp(-days / this)
ACK_AFTER = timedelta(hours=3)  # what fell due before this was acknowledged (as hotline.sla.demo)
LADDER = {1: "unit", 2: "supervisor", 3: "manager"}
CLIMB = [timedelta(minutes=15), timedelta(minutes=45)]  # level 2 and 3 after the breach
ID, DT, FK, UNIT, CALLER, PLAIN = range(6)
ENUMS = {"status": Status, "priority": Priority}  # ticket fields a timeline entry holds as text
TICKET_TIMES = ["dispatched_at", "accepted_at", "arrived_at", "replied_at", "resolved_at", "reopened_at",
                "closed_at", "cancelled_at"]


def _kinds(table) -> list[tuple[str, int, str | None]]:
    out = []
    for col in table.columns:
        refs = [fk.column.table.name for fk in col.foreign_keys]
        if col.primary_key:
            out.append((col.name, ID, None))
        elif col.name == "unit_id":
            out.append((col.name, UNIT, None))
        elif col.name == "caller_id":
            out.append((col.name, CALLER, None))
        elif refs and refs[0] in CLONED:
            out.append((col.name, FK, refs[0]))
        elif isinstance(col.type, UTCDateTime):
            out.append((col.name, DT, None))
        else:
            out.append((col.name, PLAIN, None))
    return out


class Template:
    """One finished ticket's whole life, as its rows (template time, aware datetimes)."""

    def __init__(self, ticket: dict, rows: dict[str, list[dict]], category: str):
        self.ticket, self.rows, self.category = ticket, rows, category
        self.created = ticket["created_at"]
        self.day = clock.local(self.created).date()
        times = [v for rs in rows.values() for r in rs for v in r.values() if isinstance(v, datetime)]
        self.end = max(times)
        # Moments after which the ticket stands open: a step that left it open.
        moves = [e for e in rows["ticket_event"] if "status" in e["changes"]]
        self.stops = [e["at"] for e in moves if Status(e["changes"]["status"][1]) not in (Status.CLOSED, Status.CANCELLED)]
        self.final = max(e["at"] for e in moves) if moves else self.created  # closed or cancelled
        if moves and moves[0]["at"] > self.created:
            self.stops.insert(0, self.created)  # still new, not yet dispatched
        self.emergency = ticket["priority"] == Priority.EMERGENCY


def load_templates() -> list[Template]:
    """Every finished ticket of the database with everything that hangs from it."""
    t = db.metadata.tables
    codes = dict(db.session.execute(select(t["category"].c.id, t["category"].c.code)).all())
    tickets = {r["id"]: dict(r) for r in db.session.execute(
        select(t["ticket"]).where(t["ticket"].c.status.in_([Status.CLOSED, Status.CANCELLED]))).mappings()}
    rows = {tid: defaultdict(list) for tid in tickets}
    owner = {"ticket": {}}

    def load(name, parent_col, parent_table):
        for r in db.session.execute(select(t[name]).order_by(t[name].c.id)).mappings():
            tid = r[parent_col] if parent_table == "ticket" else owner[parent_table].get(r[parent_col])
            if tid in rows:
                if name == "ticket_event" and r["kind"] == "handed_over":
                    continue
                rows[tid][name].append(dict(r))
                owner.setdefault(name, {})[r["id"]] = tid

    for name in ["ticket_event", "ticket_note", "work_order", "sla_clock", "sla_alert", "escalation", "callback"]:
        load(name, "ticket_id", "ticket")
    load("sla_pause", "clock_id", "sla_clock")
    load("sla_extension", "clock_id", "sla_clock")
    load("escalation_step", "escalation_id", "escalation")
    load("callback_attempt", "callback_id", "callback")
    call_ids = {tk["call_id"]: tid for tid, tk in tickets.items() if tk["call_id"]}
    for r in db.session.execute(select(t["call"]).where(t["call"].c.id.in_(list(call_ids)))).mappings():
        rows[call_ids[r["id"]]]["call"].append(dict(r))
    out = []
    for tid, tk in tickets.items():
        tk["owner_id"] = None
        rows[tid]["ticket"] = [tk]
        out.append(Template(tk, rows[tid], codes[tk["category_id"]]))
    return out


# --- a life cut short: the rows as they stood at moment `c` (template time) ---------

def _none_after(row: dict, cols, c: datetime) -> dict:
    for k in cols:
        if row.get(k) is not None and row[k] > c:
            row[k] = None
    return row


def as_of(tpl: Template, c: datetime) -> dict[str, list[dict]]:
    rows = {}
    ticket = dict(tpl.ticket)
    events = [e for e in tpl.rows["ticket_event"] if e["at"] <= c]
    for e in reversed([e for e in tpl.rows["ticket_event"] if e["at"] > c]):
        for k, (before, _after) in e["changes"].items():
            if k in ticket and k not in ("id",):
                if k.endswith("_at") and before:
                    before = datetime.fromisoformat(before)
                ticket[k] = ENUMS[k](before) if k in ENUMS and before is not None else before
    _none_after(ticket, TICKET_TIMES, c)
    if ticket["status"] not in (Status.RESOLVED, Status.CLOSED):
        ticket["resolved_at"] = ticket["closed_at"] = None
    ticket["updated_at"] = max([ticket["created_at"], *(e["at"] for e in events if not e["kind"].startswith(("sla_", "escalated")))])
    rows["ticket"] = [ticket]
    rows["call"] = [dict(r) for r in tpl.rows["call"]]
    rows["ticket_event"] = [dict(e) for e in events]
    rows["ticket_note"] = [dict(n) for n in tpl.rows["ticket_note"] if n["at"] <= c]
    rows["work_order"] = []
    for w in tpl.rows["work_order"]:
        if w["assigned_at"] > c:
            continue
        w = _none_after(dict(w), ["accepted_at", "en_route_at", "arrived_at", "resolved_at", "ended_at"], c)
        if w["ended_at"] is None:
            w["reason"] = None
            w["status"] = (WorkOrderStatus.RESOLVED if w["resolved_at"] else WorkOrderStatus.ON_SITE if w["arrived_at"]
                           else WorkOrderStatus.EN_ROUTE if w["en_route_at"] else WorkOrderStatus.ACCEPTED
                           if w["accepted_at"] else WorkOrderStatus.ASSIGNED)
        if w["resolved_at"] is None:
            w["result"] = None
        rows["work_order"].append(w)
    rows["sla_clock"] = []
    for k in tpl.rows["sla_clock"]:
        if k["started_at"] > c:
            continue
        k = dict(k)
        if k["stopped_at"] is not None and k["stopped_at"] > c:
            k["stopped_at"], k["running_since"], k["consumed_seconds"], k["paused_reason"] = None, k["started_at"], 0.0, None
        _none_after(k, ["warned_at", "breached_at"], c)
        k["next_check_at"] = _next_check(k)
        rows["sla_clock"].append(k)
    kept = {k["id"] for k in rows["sla_clock"]}
    rows["sla_pause"] = [_none_after(dict(p), ["ended_at"], c) for p in tpl.rows["sla_pause"]
                         if p["clock_id"] in kept and p["started_at"] <= c]
    rows["sla_extension"] = []
    for x in tpl.rows["sla_extension"]:
        if x["clock_id"] in kept and x["requested_at"] <= c:
            x = dict(x)
            if x["decided_at"] and x["decided_at"] > c:
                x.update(status=ExtensionStatus.PENDING, decided_at=None, decided_by_id=None, decision_note=None)
            rows["sla_extension"].append(x)
    rows["sla_alert"] = [_unacked(dict(a), c, "comment") for a in tpl.rows["sla_alert"] if a["at"] <= c]
    alerts = {a["id"] for a in rows["sla_alert"]}
    rows["escalation"], rows["escalation_step"] = [], []
    for esc in tpl.rows["escalation"]:
        if esc["started_at"] > c or (esc["alert_id"] and esc["alert_id"] not in alerts):
            continue
        esc = _unacked(dict(esc), c)
        steps = [s for s in tpl.rows["escalation_step"] if s["escalation_id"] == esc["id"]]
        kept_steps = [_unacked(dict(s), c, "note") for s in steps if s["at"] <= c]
        later = [s["at"] for s in steps if s["at"] > c]
        esc["level"] = max(s["level"] for s in kept_steps)
        if esc["acknowledged_at"] is None:
            esc["next_at"] = later[0] if later else (kept_steps[-1]["at"] + CLIMB[0] if esc["level"] < 3 else None)
        rows["escalation"].append(esc)
        rows["escalation_step"] += kept_steps
    rows["callback"], rows["callback_attempt"] = [], []
    for cb in tpl.rows["callback"]:
        if cb["created_at"] > c:
            continue
        cb = dict(cb)
        tries = [dict(a) for a in tpl.rows["callback_attempt"] if a["callback_id"] == cb["id"] and a["at"] <= c]
        if cb["done_at"] is None or cb["done_at"] > c:
            cb.update(status=CallbackStatus.PENDING, solved=None, satisfaction=None, done_at=None)
            cb["next_try_at"] = tries[-1]["at"] + timedelta(hours=2) if tries else cb["created_at"]
        cb["attempts"] = len(tries)
        rows["callback"].append(cb)
        rows["callback_attempt"] += tries
    return rows


def _unacked(row: dict, c: datetime, words: str | None = None) -> dict:
    if row["acknowledged_at"] is not None and row["acknowledged_at"] > c:
        row["acknowledged_at"] = row["acknowledged_by_id"] = None
        if words:
            row[words] = None
    return row


def _next_check(k: dict) -> datetime | None:
    if k["stopped_at"] is not None or k["running_since"] is None:
        return None
    pending = [at for at, fired in ((k["warn_at"], k["warned_at"]), (k["due_at"], k["breached_at"]))
               if fired is None and at is not None]
    return min(pending) if pending else None


class Fakes:
    """Ids for rows made up in template time (negative: never a template row's)."""
    n = 0

    @classmethod
    def next(cls) -> int:
        cls.n -= 1
        return cls.n


def fire(rows: dict[str, list[dict]], until: datetime, rng: random.Random, people: dict[str, list[int]]) -> None:
    """What fell due on the stuck ticket's running clocks up to `until` (template time),
    as the sweep records it: alert, timeline entry, and for a breach the escalation,
    which climbs the ladder until someone acknowledges it (everything older than
    ACK_AFTER was acknowledged)."""
    ticket = rows["ticket"][0]
    recent = until - ACK_AFTER
    for k in rows["sla_clock"]:
        if k["stopped_at"] is not None or k["running_since"] is None:
            continue
        for kind, due, fired in (("warning", k["warn_at"], "warned_at"), ("breach", k["due_at"], "breached_at")):
            if due is None or k[fired] is not None or due > until:
                continue
            k[fired] = due
            alert = {"id": Fakes.next(), "clock_id": k["id"], "ticket_id": ticket["id"], "kind": AlertKind(kind), "stage": k["stage"],
                     "unit_id": ticket["unit_id"], "due_at": k["due_at"], "at": due, "acknowledged_at": None,
                     "acknowledged_by_id": None, "comment": None}
            if due < recent:
                alert["acknowledged_at"] = due + timedelta(minutes=rng.uniform(2, 40))
                alert["acknowledged_by_id"] = rng.choice(people["supervisor"])
            rows["sla_alert"].append(alert)
            _event(rows, due, f"sla_{kind}", {"stage": [None, k["stage"].value]}, f"{k['stage'].value} due {k['due_at'].isoformat()}")
            if kind == "breach":
                _escalate(rows, alert, due, until, rng, people)
        k["next_check_at"] = _next_check(k)


def _event(rows, at, kind, changes, message) -> None:
    rows["ticket_event"].append({"id": Fakes.next(), "ticket_id": rows["ticket"][0]["id"], "at": at, "actor_id": None,
                                 "kind": kind, "changes": changes, "message": message})


def _escalate(rows, alert, due, until, rng, people) -> None:
    ticket = rows["ticket"][0]
    first = 2 if alert["stage"] == "callback" else 1
    top = 3 if ticket["priority"] == Priority.EMERGENCY else first
    acked = due + timedelta(minutes=rng.choice([4, 8, 11, 13, 18, 25, 38, 52])) if due < until - ACK_AFTER else None
    steps = [(lv, due) for lv in range(first, top + 1)]
    for lv, after in zip((2, 3), CLIMB):
        if lv > steps[-1][0] and due + after <= (acked or until):
            steps.append((lv, due + after))
    level = steps[-1][0]
    esc = {"id": Fakes.next(), "ticket_id": ticket["id"], "alert_id": alert["id"], "reason": "breach", "level": level,
           "started_at": due, "acknowledged_at": acked, "acknowledged_by_id": None, "next_at": None}
    if acked:
        esc["acknowledged_by_id"] = rng.choice(people[{1: "dispatcher", 2: "supervisor", 3: "manager"}[level]])
    elif level < 3:
        esc["next_at"] = due + CLIMB[level - 1]
    rows["escalation"].append(esc)
    for lv, at in steps:
        last = lv == level and acked is not None
        rows["escalation_step"].append({
            "id": Fakes.next(), "escalation_id": esc["id"], "level": lv, "audience": LADDER[lv], "at": at,
            "acknowledged_at": acked if last else None, "acknowledged_by_id": esc["acknowledged_by_id"] if last else None,
            "note": None})
        _event(rows, at, "escalated", {"level": [lv - 1, lv]}, f"breach: {LADDER[lv]}")


# --- callers ---------------------------------------------------------------------

def e164(phone: str) -> str:
    """calls._phone's numbers as hotline.callers.phones.normalize_phone stores them."""
    return "+86" + phone.replace("-", "")[1:] if phone.startswith("0") else "+86" + phone


def make_callers(rng: random.Random, n: int, taken: set[str]) -> list[dict]:
    out = []
    for caller in calls.make_callers(rng, n + len(taken) // 4 + 16):
        caller["e164"] = e164(caller["phone"])
        if caller["e164"] not in taken:
            taken.add(caller["e164"])
            out.append(caller)
    while len(out) < n:
        out += make_callers(rng, n - len(out), taken)
    return out[:n]


# --- the plan: which template, moved how far, told by whom, stopped where ----------

class Plan:
    __slots__ = ("caller", "created", "cut", "delta", "number", "ticket_id", "tpl")

    def __init__(self, tpl: Template, delta: timedelta):
        self.tpl, self.delta, self.created = tpl, delta, tpl.created + delta
        self.cut = None  # template time the life stops at (None: lived to its end)
        self.caller = None


def make_plans(rng: random.Random, templates: list[Template], n: int, days: int, now: datetime, open_target: int) -> list[Plan]:
    by_weekday = defaultdict(list)
    for tpl in templates:
        by_weekday[tpl.day.weekday()].append(tpl)
    today = clock.local(now).date()
    plans = []
    while len(plans) < n:
        day = today - timedelta(days=rng.randrange(days))
        tpl = rng.choice(by_weekday.get(day.weekday()) or templates)  # a weekday with none finished: any
        # whole days (the same weekday and hour: working-hour deadlines stay right), and a
        # few minutes either way so that copies of one template do not share the moment
        plan = Plan(tpl, timedelta(days=(day - tpl.day).days, seconds=rng.randint(-1200, 1200)))
        if plan.created > now - timedelta(minutes=5):
            continue
        if tpl.end + plan.delta > now:
            plan.cut = now - plan.delta
        plans.append(plan)
    natural = sum(1 for p in plans if p.cut is not None and _open_at(p.tpl, p.cut))
    stuck = max(0, open_target - natural)
    candidates = [p for p in plans if p.cut is None and p.tpl.stops and now - p.created > timedelta(days=1)]
    keyed = ((rng.random() ** (1 / math.exp(-(now - p.created).total_seconds() / 86400 / STUCK_DAYS)), i)
             for i, p in enumerate(candidates))
    for _, i in heapq.nlargest(stuck, keyed):
        p = candidates[i]
        p.cut = rng.choice(p.tpl.stops)
    plans.sort(key=lambda p: p.created)
    return plans


def _open_at(tpl: Template, c: datetime) -> bool:
    return bool(tpl.stops) and tpl.stops[0] <= c < tpl.final


# --- writing ---------------------------------------------------------------------

class Writer:
    def __init__(self, rng: random.Random, now: datetime):
        t = db.metadata.tables
        self.tables = {name: t[name] for name in CLONED}
        self.kinds = {name: _kinds(table) for name, table in self.tables.items()}
        self.next_id = {name: (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
                        for name, table in [*self.tables.items(), ("caller", t["caller"]), ("caller_address", t["caller_address"])]}
        self.rng, self.now = rng, now
        units = dict(db.session.execute(select(t["unit"].c.code, t["unit"].c.id)).all())
        by_id = {v: k for k, v in units.items()}
        branches = [b[0] for b in BRANCHES]
        # the branch-bound unit a template's ticket went to, as the same unit of another branch
        self.unit_map = {}
        for target in branches:
            m = {}
            for uid, code in by_id.items():
                head, _, tail = code.partition("-")
                if head in branches:
                    m[uid] = units[target + ("-" + tail if tail else "")]
            self.unit_map[target] = m
        users = db.session.execute(select(t["user"].c.id, t["user"].c.role)).all()
        self.people = defaultdict(list)
        for uid, role in users:
            self.people[getattr(role, "value", role)].append(uid)
        self.out = defaultdict(list)
        self.counts = defaultdict(int)

    def clone(self, plan: Plan, caller: dict, caller_id: int) -> None:
        tpl, rng = plan.tpl, self.rng
        if plan.cut is None:
            rows = tpl.rows
        else:
            rows = as_of(tpl, plan.cut)
            fire(rows, self.now - plan.delta, rng, self.people)
        delta, umap = plan.delta, self.unit_map[caller["branch"]]
        idmap = {}
        for name in CLONED:
            for row in rows.get(name, ()):
                new = {}
                for col, kind, ref in self.kinds[name]:
                    v = row[col]
                    if v is None:
                        new[col] = None
                    elif kind == DT:
                        new[col] = v + delta
                    elif kind == ID:
                        new[col] = self.next_id[name]
                        self.next_id[name] += 1
                        idmap[(name, v)] = new[col]
                    elif kind == FK:
                        new[col] = idmap[(ref, v)]
                    elif kind == UNIT:
                        new[col] = umap.get(v, v)
                    elif kind == CALLER:
                        new[col] = caller_id
                    else:
                        new[col] = v
                if name == "ticket_event":
                    new["changes"] = _shift_changes(new["changes"], delta, umap)
                    if new["kind"] in ("sla_warning", "sla_breach"):
                        stage, _, due = new["message"].partition(" due ")
                        new["message"] = f"{stage} due {(datetime.fromisoformat(due) + delta).isoformat()}"
                self.out[name].append(new)
        self._retell(self.out["ticket"][-1], caller, plan)
        if rows["call"]:
            self.out["call"][-1]["caller_number"] = caller["e164"]
        plan.ticket_id = self.out["ticket"][-1]["id"]

    def _retell(self, ticket: dict, caller: dict, plan: Plan) -> None:
        """The template's ticket in this caller's words and place (as create_ticket stores them)."""
        rng, tpl = self.rng, plan.tpl
        fill = {k: caller[k] for k in ("street", "estate", "district", "address")}
        matters = calls.MATTERS[tpl.category]
        if tpl.category == "leak":
            matters = [m for m in matters if any(w in m for w in "爆喷冲") == tpl.emergency] or matters
        ticket["matter"] = rng.choice(matters).format(**fill)
        ticket["number"] = plan.number
        ticket["caller_name"] = caller["name"] if ticket["caller_id"] else None
        ticket["address"] = caller["address"] if ticket["address"] else None
        ticket["area"] = caller["district"]
        if ticket["answer"]:
            ticket["answer"] = rng.choice(calls.ANSWERS).format(**fill)
        if ticket["facts"]:
            ticket["facts"] = {**ticket["facts"], "where": caller["district"], "what": ticket["matter"]}

    def flush(self) -> None:
        for name in CLONED:
            rows = self.out.pop(name, [])
            self.counts[name] += len(rows)
            bulk_insert(self.tables[name], rows)
        db.session.commit()


def _shift_changes(changes: dict, delta: timedelta, umap: dict) -> dict:
    if not changes:
        return changes
    out = {}
    for k, pair in changes.items():
        if k.endswith("_at"):
            pair = [(datetime.fromisoformat(x) + delta).isoformat() if x else x for x in pair]
        elif k == "unit_id":
            pair = [umap.get(x, x) for x in pair]
        out[k] = pair
    return out


def _converter(col, dialect: str):
    """A column's value as the driver takes it, done here once instead of per value by
    the column types (what they would store: naive UTC text on SQLite, enum values, JSON)."""
    kind = col.type
    if isinstance(kind, UTCDateTime):
        if dialect == "sqlite":
            # every value here is UTC already (read back from the database, moved by a timedelta)
            return lambda v: None if v is None else v.isoformat(" ", "microseconds")[:26]
        return None
    if isinstance(kind, Enum):
        return lambda v: None if v is None else getattr(v, "value", v)
    if isinstance(kind, JSON):
        if dialect == "sqlite":
            return lambda v: None if v is None else json.dumps(v)
        # PostgreSQL's driver only: not needed (maybe not installed) where SQLite is used
        from psycopg.types.json import Json
        return lambda v: None if v is None else Json(v)
    return None


_CONVERTERS = {}


def bulk_insert(table, rows: list[dict]) -> None:
    """executemany on the driver, in statements of ROWS_PER_STATEMENT rows."""
    if not rows:
        return
    dialect = db.engine.dialect
    key = (table.name, dialect.name)
    if key not in _CONVERTERS:
        cols = [c for c in table.columns]
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        sql = (f'INSERT INTO "{table.name}" ({", ".join(chr(34) + c.name + chr(34) for c in cols)}) '
               f'VALUES ({", ".join([mark] * len(cols))})')
        _CONVERTERS[key] = (sql, [(c.name, _converter(c, dialect.name)) for c in cols])
    sql, convs = _CONVERTERS[key]
    data = [tuple(r.get(name) if f is None else f(r.get(name)) for name, f in convs) for r in rows]
    conn = db.session.connection()
    for i in range(0, len(data), ROWS_PER_STATEMENT):
        conn.exec_driver_sql(sql, data[i:i + ROWS_PER_STATEMENT])


# --- the whole -------------------------------------------------------------------

def _fast_load(on: bool) -> None:
    """SQLite: no fsync and no foreign key checks while the rows go in (ids are ours)."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.commit()
    db.session.close()  # its connection back in the pool, outside any transaction: set there, taken next
    raw = db.engine.raw_connection()
    try:
        for pragma in (["synchronous=OFF", "foreign_keys=OFF", "cache_size=-262144"] if on
                       else ["synchronous=NORMAL", "foreign_keys=ON", "cache_size=-2000"]):
            raw.driver_connection.execute(f"PRAGMA {pragma}")
    finally:
        raw.close()


LOADED = [*CLONED, "caller", "caller_address", "duty_log_entry"]  # the tables the load fills


@contextmanager
def _indexes_set_aside():
    """While the rows go in, the loaded tables' secondary indexes stay out of the way and
    are built once at the end, as a bulk load is done (the search indexes, kept up row by
    row, took most of a million tickets' time; the others about a tenth of it on PostgreSQL).
    Primary keys and unique indexes stay (the load relies on them). SQLite's FTS triggers
    are dropped and made again from their own SQL, then each FTS table rebuilt."""
    tables = ", ".join(f"'{name}'" for name in LOADED)
    if db.engine.dialect.name == "sqlite":
        saved = db.session.execute(text(
            "SELECT 'INDEX', name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({tables}) UNION ALL "
            "SELECT 'TRIGGER', name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('ticket', 'caller') AND name LIKE '%fts%'")).all()
        rebuild = [f"INSERT INTO {fts.name}({fts.name}) VALUES ('rebuild')" for fts in (fulltext.ticket_fts, fulltext.caller_fts)]
    else:
        saved = db.session.execute(text(
            "SELECT 'INDEX', i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname "
            f"JOIN pg_index x ON x.indexrelid = c.oid WHERE i.tablename IN ({tables}) AND NOT x.indisunique")).all()
        rebuild = []
    for kind, name, _sql in saved:
        db.session.execute(text(f'DROP {kind} "{name}"'))
    db.session.commit()
    try:
        yield
    finally:
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":  # room to sort a million rows' keys in memory
            db.session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _kind, _name, sql in saved:
            db.session.execute(text(sql))
        for statement in rebuild:
            db.session.execute(text(statement))
        db.session.commit()


def _fix_sequences(names: list[str]) -> None:
    """PostgreSQL: ids were given explicitly, so each serial continues after the last."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in names:
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 1))"))
    db.session.commit()


def seed_scale(tickets: int, days: int, open_tickets: int | None = None, callers: int | None = None,
               template_tickets: int = 800, template_days: int = 28):
    """Yield progress lines. On an empty database: the small demo first (the templates)."""
    # the package imports this module (its CLI command): imported when first used
    from hotline.demo import seed_demo

    started = time.monotonic()
    if db.session.scalar(select(func.count()).select_from(User)):
        yield "demo-scale: the database already has users; fill an empty database"
        return
    template_tickets = min(template_tickets, tickets)
    yield from seed_demo(tickets=template_tickets, days=template_days)
    yield f"demo-scale: {template_tickets} template tickets through the services in {time.monotonic() - started:.0f} s"
    rest = tickets - template_tickets
    if rest <= 0:
        return
    now = clock.now()
    rng = random.Random(SEED)
    templates = load_templates()
    open_target = round(tickets * OPEN_SHARE) if open_tickets is None else open_tickets
    plans = make_plans(rng, templates, rest, days, now, open_target)
    t = db.metadata.tables
    taken = set(db.session.scalars(select(t["caller"].c.phone)))
    people = make_callers(random.Random(SEED + 1), callers or max(1, round(tickets * CALLERS_PER_TICKET)), taken)
    _assign_callers(rng, plans, len(people))
    _fast_load(True)
    try:
        with _indexes_set_aside():
            writer = Writer(rng, now)
            caller_ids = _write_callers(writer, plans, people)
            numbers = _number(plans)
            yield f"demo-scale: {len(plans)} tickets planned, {len(people)} callers in {time.monotonic() - started:.0f} s"
            for i, plan in enumerate(plans, 1):
                writer.clone(plan, people[plan.caller], caller_ids[plan.caller])
                if i % CHUNK == 0:
                    writer.flush()
                if i % 100_000 == 0:
                    yield f"demo-scale: {i} tickets in {time.monotonic() - started:.0f} s"
            writer.flush()
            _write_sequences(numbers)
            logged = _duty_log(rng, plans, now)
            _fix_sequences(LOADED)
            marks.refresh_all(db.session.connection())  # what the SLA hooks keep after each flush
            db.session.commit()
    finally:
        _fast_load(False)
    yield f"demo-scale: {logged} duty log entries on the days before the demo's week, each day reviewed"
    # Not the small demo any more: `flask demo-data` at a later start must leave it as it
    # is (bringing it to today would work every stuck ticket to its end, one by one).
    db.session.execute(DemoInstance.__table__.delete())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # The planner's statistics and the visibility map for the million rows just loaded,
        # as autovacuum would leave them in a while: until then PostgreSQL plans for empty
        # tables and reads the table for what an index-only scan answers.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
    total_open = db.session.scalar(select(func.count()).select_from(t["ticket"]).where(
        t["ticket"].c.status.notin_([Status.CLOSED, Status.CANCELLED])))
    yield (f"demo-scale: {tickets} tickets over {days} days, {len(people)} more callers, {total_open} open; "
           + ", ".join(f"{n} {k}" for k, n in writer.counts.items() if k != "ticket")
           + f"; {time.monotonic() - started:.0f} s")


def _assign_callers(rng: random.Random, plans: list[Plan], n: int) -> None:
    """Everyone calls once; the rest of the calls go to some callers again and again:
    weights 1/(rank + n/1000), a long tail (at a million tickets and 300,000 callers the
    busiest rings ~300 times a year, the 30,000th ~4 times, most once or twice)."""
    offset = max(5, n // 1000)
    cum = list(accumulate(1 / (i + offset) for i in range(n)))
    first = list(range(min(n, len(plans))))
    more = [bisect(cum, rng.random() * cum[-1]) for _ in range(len(plans) - len(first))]
    picks = first + [min(i, n - 1) for i in more]
    rng.shuffle(picks)
    for plan, who in zip(plans, picks):
        plan.caller = who


def _write_callers(writer: Writer, plans: list[Plan], people: list[dict]) -> list[int]:
    """The callers, created at their first call; their address as last used (confidential
    tickets teach the caller's record nothing)."""
    first, last_addr = {}, {}
    for plan in plans:
        first.setdefault(plan.caller, plan.created)
        if plan.tpl.ticket["address"] and not plan.tpl.ticket["confidential"]:
            last_addr[plan.caller] = plan.created
    t = db.metadata.tables
    ids, rows, addresses = [], [], []
    for i, caller in enumerate(people):
        cid = writer.next_id["caller"]
        writer.next_id["caller"] += 1
        ids.append(cid)
        rows.append({"id": cid, "phone": caller["e164"], "name": caller["name"],
                     "created_at": first.get(i, writer.now - timedelta(days=400))})
        if i in last_addr:
            addresses.append({"id": writer.next_id["caller_address"], "caller_id": cid, "address": caller["address"],
                              "last_used_at": last_addr[i]})
            writer.next_id["caller_address"] += 1
    for table, data in (("caller", rows), ("caller_address", addresses)):
        bulk_insert(t[table], data)
    db.session.commit()
    return ids


def _number(plans: list[Plan]) -> dict:
    """Each day's numbers after what the day has given out already, in creation order."""
    seq = dict(db.session.execute(select(db.metadata.tables["ticket_sequence"].c.day,
                                         db.metadata.tables["ticket_sequence"].c.last)).all())
    tz = clock.center_tz()
    for plan in plans:
        day = plan.created.astimezone(tz).date()
        seq[day] = seq.get(day, 0) + 1
        plan.number = f"{day:%Y%m%d}-{seq[day]:04d}"
    return seq


LOG_ON_TICKETS = [
    ("call", "工单{number}来电人多次催办，情绪激动，已报值班长"),
    ("event", "工单{number}现场需破路施工，已通知交警和社区"),
    ("other", "工单{number}回访不满意，转投诉办跟进"),
]


def _duty_log(rng: random.Random, plans: list[Plan], now: datetime) -> int:
    """The year's duty log (值班日志) in the demo's words, a few entries a day naming the
    day's tickets, each past day signed by a supervisor (through the service: its checksum)."""
    table = db.metadata.tables["duty_log_entry"]
    first = db.session.scalar(select(func.min(table.c.day)))
    if first is None or not plans:
        return 0
    tz = clock.center_tz()
    by_day = defaultdict(list)
    for plan in plans:
        by_day[plan.created.astimezone(tz).date()].append(plan)
    lead = db.session.scalar(select(User).where(User.username == "lead1"))
    operators = [u.id for u in db.session.scalars(select(User).where(User.username.like("op%")))]
    next_id = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
    rows, days = [], sorted(d for d in by_day if d < first)
    for day in days:
        entries = [(kind, body, None) for kind, body in rng.sample(LOG, rng.randint(2, len(LOG)))]
        for plan in rng.sample(by_day[day], min(3, len(by_day[day]))):
            kind, body = rng.choice(LOG_ON_TICKETS)
            entries.append((kind, body.format(number=plan.number), plan.ticket_id))
        for kind, body, ticket_id in entries:
            at = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(minutes=rng.randint(8 * 60, 21 * 60))
            rows.append({"id": next_id, "day": day, "at": at.astimezone(UTC), "kind": kind, "body": body,
                         "ticket_id": ticket_id, "shift_label": None, "author_id": rng.choice(operators),
                         "created_at": at.astimezone(UTC)})
            next_id += 1
    bulk_insert(table, rows)
    held = clock.is_frozen()
    try:
        for day in days:
            clock.freeze(datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(hours=22))
            review_day(day, "已检查" if rng.random() < 0.5 else None, lead)
    finally:
        clock.freeze(now) if held else clock.reset()
    db.session.commit()
    return len(rows)


def _write_sequences(seq: dict) -> None:
    table = db.metadata.tables["ticket_sequence"]
    db.session.execute(table.delete())
    db.session.execute(insert(table), [{"day": d, "last": n} for d, n in seq.items()])
    db.session.commit()


def init_app(app) -> None:
    @app.cli.command("demo-scale")
    @click.option("--tickets", default=100_000, show_default=True)
    @click.option("--days", default=365, show_default=True)
    @click.option("--open", "open_tickets", type=int, default=None, help="open tickets (default 3%)")
    @click.option("--callers", type=int, default=None, help="callers (default 0.3 a ticket)")
    @click.option("--templates", default=800, show_default=True, help="tickets made through the services")
    def demo_scale_command(tickets, days, open_tickets, callers, templates):
        """Fill an EMPTY database with a center of any size (a year of a busy center)."""
        for line in seed_scale(tickets, days, open_tickets, callers, templates):
            click.echo(line)
