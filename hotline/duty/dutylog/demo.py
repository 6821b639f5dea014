"""Demo duty log: a week of entries, past days reviewed by the lead."""
from datetime import datetime, time, timedelta

from hotline.core import clock
from hotline.core.extensions import db
from hotline.duty.dutylog.models import DutyLogEntry
from hotline.duty.dutylog.services import review_day
from hotline.users.models import User

LOG = [
    ("event", "城东主管道爆管，抢修一队 14:10 到场，影响约 300 户"),
    ("call", "区长热线转来咨询停水恢复时间，已按调度口径答复"),
    ("visit", "水务局检查组来中心检查值班记录"),
    ("fault", "A03 坐席耳麦杂音，已报修"),
    ("other", "交接班时清点对讲机少一台，确认在维修站"),
]


def seed_duty_log(users: dict[str, User]) -> str:
    lead = users["lead1"]
    today = clock.local().date()
    real_now = clock.now()
    try:
        for back in range(6, -1, -1):
            day = today - timedelta(days=back)
            for n, (kind, body) in enumerate(LOG[back % 5:] + LOG[: back % 5]):
                at = datetime.combine(day, time(9 + 2 * n, 15), tzinfo=clock.center_tz())
                if at < real_now:
                    db.session.add(DutyLogEntry(day=day, at=at, kind=kind, body=body, author_id=users[f"op{n % 4 + 1}"].id, created_at=at))
            db.session.flush()
            if back:
                clock.freeze(datetime.combine(day, time(22, 0), tzinfo=clock.center_tz()))
                review_day(day, "已检查" if back % 2 else None, lead)
    finally:
        clock.reset()
    db.session.commit()
    return "duty log: a week of entries, past days reviewed"
