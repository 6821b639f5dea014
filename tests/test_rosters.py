from datetime import date, datetime, time, timezone
from hotline import clock
from hotline.extensions import db
from hotline.rosters.models import ShiftTemplate, Roster, RosterAssignment, RosterStatus
from hotline.rosters import services

def test_core(ctx, user_of):
    night = ShiftTemplate(code="night", name_en="Night", name_zh="夜班", starts=time(23, 30), ends=time(8, 30))
    day = ShiftTemplate(code="day", name_en="Day", name_zh="白班", starts=time(8, 30), ends=time(16, 30))
    db.session.add_all([night, day])
    r = Roster(month=date(2026, 11, 1), status=RosterStatus.PUBLISHED)
    db.session.add(r); db.session.flush()
    db.session.add(RosterAssignment(roster=r, day=date(2026, 11, 5), template=night, user=user_of("operator")))
    db.session.commit()
    # 02:00 local on 6 Nov = 18:00 UTC 5 Nov
    s = services.shift_at(datetime(2026, 11, 5, 18, 0, tzinfo=timezone.utc))
    assert s.template.code == "night" and s.day == date(2026, 11, 5)
    assert s.people == [user_of("operator")]
    n = services.next_shift(datetime(2026, 11, 5, 18, 0, tzinfo=timezone.utc))
    assert n.template.code == "day" and n.day == date(2026, 11, 6)
    assert services.shift_at(datetime(2026, 11, 5, 10, 0, tzinfo=timezone.utc)) is None  # 18:00 local
