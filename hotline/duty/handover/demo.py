"""Demo data for the handover: the checklist, standing items, and yesterday's day-to-evening handover,
prepared, acknowledged and signed (with a lead's override: the seat system was down)."""
from datetime import datetime, time, timedelta

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.handover import services
from hotline.duty.handover.models import ChecklistItem, StandingItem, StandingKind
from hotline.duty.handover.schemas import HandoverUpdate
from hotline.users.models import User

CHECKLIST = [("钥匙 Keys", 3), ("对讲机 Radios", 4), ("值班记录本 Log books", 2), ("备用耳麦 Spare headsets", 6)]
STANDING = [
    (StandingKind.EQUIPMENT_FAULT, "A03 坐席耳麦有杂音，已报信息科", "信息科"),
    (StandingKind.INSTRUCTION, "明日 9:00-17:00 城东片区计划停水，来电统一按停水通知口径答复", "调度中心"),
    (StandingKind.MESSAGE, "供水调度：和平路管网改造本周夜间施工，噪声投诉转稽查队", "供水调度"),
]


def seed_handover(users: dict[str, User], passwords: dict[str, str]) -> str:
    db.session.add_all(ChecklistItem(name=n, expected=e, sort_order=i) for i, (n, e) in enumerate(CHECKLIST))
    lead = users["lead1"]
    for kind, title, source in STANDING:
        db.session.add(StandingItem(kind=kind, title=title, source=source, opened_by_id=lead.id,
                                    opened_at=clock.now() - timedelta(days=1)))
    today = clock.local().date()
    try:
        handover = _yesterdays_handover(users, passwords, today - timedelta(days=1))
    finally:
        clock.reset()
    db.session.commit()
    return f"handover: {len(CHECKLIST)} checklist items, {len(STANDING)} standing items, handover #{handover.id} signed"


def _yesterdays_handover(users, passwords, day):
    clock.freeze(datetime.combine(day, time(16, 20), tzinfo=clock.center_tz()))
    outgoing, incoming = users["op1"], users["op2"]
    h = services.open_handover(outgoing, incoming.username)
    steps = {i.id: "已联系责任单位，跟进到场时间；超时报值班长" for i in h.items if i.must_acknowledge}
    services.update_handover(h, HandoverUpdate(
        version=h.version, notes="城东爆管抢修中，停水通知口径见交接事项。", room_state="坐席整洁，备用电脑已关机。",
        items=[{"id": k, "next_step": v} for k, v in steps.items()],
        counts=[{"id": c.id, "counted": c.expected} for c in h.counts],
    ), outgoing)
    if any(b.overridable for b in services.blockers(h)):
        services.override(h, "坐席系统交班时重启，接班人已到岗，值班长当面核实。", users["lead1"], h.version)
    for item in h.items:
        if item.must_acknowledge:
            services.review_item(h, item.id, "acknowledge", None, incoming, h.version)
    clock.advance(timedelta(minutes=8))
    services.sign(h, outgoing, passwords[outgoing.username], h.version)
    services.sign(h, incoming, passwords[incoming.username], h.version)
    return h
