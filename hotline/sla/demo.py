"""Demo SLA history: the sweep walked through the demo's weeks deadline by deadline,
as the scheduler would have run it, so that warnings, breaches and escalations carry
the times they fell due. People acknowledged them as a center does: the desk or the
crew takes most escalations on within the first rung, some climb to the supervisor,
a few to the manager; supervisors acknowledge the older breaches with a word. The last
hours are left as they stand, and two extension requests wait for a decision."""
import heapq
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine import services
from hotline.sla.engine.escalations import acknowledge
from hotline.sla.engine.sweep import next_deadline, sweep
from hotline.sla.models import Alert, AlertKind, Escalation, SlaClock, Stage
from hotline.tickets.models import Ticket
from hotline.users.models import Role, User

LEFT_OPEN = timedelta(hours=3)  # what happened lately still waits for someone
LAST_BREACHES_LEFT_OPEN = 4
COMMIT_EVERY = 50
ALERT_COMMENTS = [
    "已电话催办，班组在路上。",
    "分公司回复：现场交通管制，稍后到达。",
    "已通知分公司值班长跟进。",
    "来电人已联系上，同意延后上门。",
    "班组人手不足，已从邻近班组调人。",
]
ESCALATION_NOTES = [
    "已联系班组长，马上处理。",
    "调度已改派就近班组。",
    "值班长已督办，20分钟内回复。",
    "已上报分公司经理。",
]
EXTENSION_REASONS = [
    "需更换主管道阀门，配件明天上午到货。",
    "涉及道路开挖，需等交警审批。",
    "来电人出差，约定下周上门。",
]


def seed_sla(now: datetime, seed: int = 12345) -> str:
    rng = random.Random(seed)
    people = _people()
    left_open = _left_open_after(now)
    plans: list[tuple[datetime, int, str, int]] = []  # (when, order, kind, id): acknowledgements to come
    order = 0
    seen_alert = seen_escalation = 0
    steps = 0
    while True:
        due = next_deadline(db.session)
        if due is None or due > now:
            break
        while plans and plans[0][0] <= due:
            _acknowledge(heapq.heappop(plans), people, rng)
        clock.freeze(due)
        sweep(db.session, due)
        for alert in db.session.scalars(select(Alert).where(Alert.id > seen_alert).order_by(Alert.id)):
            seen_alert = alert.id
            when = _alert_ack_time(alert, left_open, rng)
            if when:
                order += 1
                heapq.heappush(plans, (when, order, "alert", alert.id))
        for esc in db.session.scalars(select(Escalation).where(Escalation.id > seen_escalation).order_by(Escalation.id)):
            seen_escalation = esc.id
            if esc.started_at < left_open:
                when = esc.started_at + timedelta(minutes=rng.choice([4, 8, 11, 13, 18, 25, 38, 52]))
                order += 1
                heapq.heappush(plans, (when, order, "escalation", esc.id))
        steps += 1
        if steps % COMMIT_EVERY == 0:
            db.session.commit()
    while plans and plans[0][0] <= now:
        _acknowledge(heapq.heappop(plans), people, rng)
    clock.freeze(now)
    requested = _extensions(rng, now)
    db.session.commit()
    alerts = db.session.scalars(select(Alert)).all()
    open_breaches = sum(1 for a in alerts if a.kind == AlertKind.BREACH and a.acknowledged_at is None)
    return (f"demo SLA: {len(alerts)} warnings and breaches ({open_breaches} breaches to acknowledge), "
            f"{len(requested)} extension requests waiting")


def _people() -> dict[str, list[User]]:
    users = db.session.scalars(select(User).order_by(User.username)).all()
    out: dict[str, list[User]] = {}
    for u in users:
        out.setdefault(u.role.value, []).append(u)
    return out


def _left_open_after(now: datetime) -> datetime:
    """Nobody has acknowledged what fell due in the last hours, nor the last few breaches
    however old (a quiet demo night must still show the supervisor something to do)."""
    breach_times = db.session.scalars(
        select(SlaClock.due_at)
        .where(SlaClock.due_at <= now, (SlaClock.stopped_at.is_(None)) | (SlaClock.stopped_at > SlaClock.due_at))
        .order_by(SlaClock.due_at.desc())
        .limit(LAST_BREACHES_LEFT_OPEN)
    ).all()
    cutoff = now - LEFT_OPEN
    return min([cutoff, *breach_times[-1:]])


def _alert_ack_time(alert: Alert, left_open: datetime, rng: random.Random) -> datetime | None:
    """Older ones were acknowledged within the hour (a normal day: no backlog of weeks-old
    warnings on /sla); the recent ones wait for the supervisor on duty."""
    if alert.at >= left_open:
        return None
    return alert.at + timedelta(minutes=rng.uniform(2, 40))


def _acknowledge(plan: tuple, people: dict[str, list[User]], rng: random.Random) -> None:
    when, _, kind, item_id = plan
    clock.freeze(when)
    if kind == "alert":
        lead = rng.choice(people["supervisor"])
        comment = rng.choice(ALERT_COMMENTS) if rng.random() < 0.7 else None
        services.acknowledge_alert(item_id, lead, comment)
        return
    esc = db.session.get(Escalation, item_id)
    if esc.acknowledged_at is not None:
        return
    if esc.level == 1:
        crew = [u for u in people.get("crew", []) if u.unit_id == esc.ticket.unit_id]
        who = rng.choice(crew) if crew and rng.random() < 0.5 else rng.choice(people["dispatcher"])
    elif esc.level == 2:
        who = rng.choice(people["supervisor"])
    else:
        who = people["manager"][0]
    acknowledge(db.session, esc, who.id, when, rng.choice(ESCALATION_NOTES))


def _extensions(rng: random.Random, now: datetime) -> list:
    """Crews ask for more time on resolutions still well within their deadline."""
    candidates = db.session.scalars(
        select(SlaClock)
        .join(Ticket, Ticket.id == SlaClock.ticket_id)
        .where(
            SlaClock.stage == Stage.RESOLVE, SlaClock.stopped_at.is_(None), SlaClock.running_since.is_not(None),
            SlaClock.breached_at.is_(None), SlaClock.due_at > now + timedelta(hours=2), Ticket.unit_id.is_not(None),
        )
        .order_by(SlaClock.due_at)
    ).all()
    crews = {u.unit_id: u for u in db.session.scalars(select(User).where(User.role == Role.CREW))}
    requested = []
    for c in candidates:
        crew = crews.get(c.ticket.unit_id)
        if crew is None:
            continue
        minutes = rng.choice([240, 24 * 60, 2 * 24 * 60])
        requested.append(services.request_extension(c.ticket, Stage.RESOLVE, minutes, EXTENSION_REASONS[len(requested)], crew))
        if len(requested) == 2:
            break
    return requested
