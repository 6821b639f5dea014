"""Scale benchmark: what the operator, the desk and the supervisor wait for with a year of data.

    .venv/bin/python bench/scale.py --tickets 100000                       # SQLite
    .venv/bin/python bench/scale.py --engine postgresql --tickets 100000
    .venv/bin/python bench/scale.py --tickets 1000000 --runs 5             # the issue's size

1. Builds, or reuses, a database of --tickets tickets over --days days made by
   `flask demo-scale` (hotline/demo/scale.py: a few hundred tickets through the
   services, the rest copied from them in bulk; ~0.3 callers a ticket, 3% open),
   cached by engine and size in --cache (a SQLite file, or a PostgreSQL cluster
   of scripts/pg-throwaway kept in the folder and restarted on reuse; --rebuild
   makes it again). The generation time is kept with it.
2. Times every request of issue 13 in-process (Flask test client, bearer tokens of
   the demo's operator, dispatcher, supervisor and wall board): one warm-up, then
   --runs timed runs each; p50 and p95 in ms, and the rows answered (items of the
   page / the total where the answer has one).
3. Prints the table, the database size and the generation time.
The values searched for (a frequent caller's phone, a landline, a name, an address, a
ticket number) are read from the database, so every search has real rows to find."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from intake import percentile  # noqa: E402

PG_THROWAWAY = ROOT / "scripts" / "pg-throwaway"


def pg_url(folder: Path) -> str:
    out = subprocess.run([str(PG_THROWAWAY), "start", str(folder)], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def database(args) -> tuple[Path, str]:
    """(the cache folder of this engine and size, the database URL); the folder is
    emptied first with --rebuild."""
    folder = Path(args.cache) / f"{args.engine}-{args.tickets}-{args.days}d"
    if args.rebuild and folder.exists():
        if args.engine == "postgresql":
            subprocess.run([str(PG_THROWAWAY), "stop", str(folder / "pg")], capture_output=True, check=False)
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if args.engine == "sqlite":
        return folder, f"sqlite:///{folder / 'hotline.db'}"
    return folder, pg_url(folder / "pg")


def make_app(folder: Path, url: str):
    os.environ.update(HOTLINE_INSTANCE=str(folder / "instance"), DATABASE_URL=url, HOTLINE_SLA_SCHEDULER="off",
                      HOTLINE_RATELIMIT_ENABLED="0", HOTLINE_AREA_CODE=os.environ.get("HOTLINE_AREA_CODE", "27"))
    from hotline import create_app
    from hotline.core.longlived import freeze_startup

    app = create_app()
    freeze_startup()  # as the server's worker does (gunicorn.conf.py)
    return app


def build(app, folder: Path, args) -> dict:
    """The generated database's record (generation seconds and counts), made if missing."""
    from flask_migrate import upgrade

    from hotline.demo.scale import seed_scale

    mark = folder / "built.json"
    with app.app_context():
        upgrade()  # a cached database made before the newest migrations gets them (indexes, search tables)
    if mark.exists():
        return json.loads(mark.read_text())
    with app.app_context():
        started = time.monotonic()
        for line in seed_scale(args.tickets, args.days, args.open, None, args.templates):
            if line.startswith("demo-scale"):
                print(line, flush=True)
        record = {"tickets": args.tickets, "days": args.days, "seconds": round(time.monotonic() - started, 1)}
    mark.write_text(json.dumps(record))
    return record


def samples(app) -> dict:
    """Real values to search for, read from the database."""
    from sqlalchemy import func, select

    from hotline.callers.models import Caller
    from hotline.core.extensions import db
    from hotline.tickets.models import Ticket
    from hotline.users.services import create_token_for

    with app.app_context():
        per_caller = (select(Caller.phone, func.count().label("n")).join(Ticket, Ticket.caller_id == Caller.id)
                      .where(Caller.phone.like("+861%")).group_by(Caller.phone))
        busiest = db.session.execute(per_caller.order_by(func.count().desc()).limit(1)).first()[0]
        # a caller who rang a few times: what an operator looks up most
        counted = per_caller.subquery()
        frequent = db.session.scalar(select(counted.c.phone).where(counted.c.n.between(3, 8)).order_by(counted.c.phone).limit(1))
        landline = db.session.scalar(select(Caller.phone).where(Caller.phone.like("+8627%")).order_by(Caller.id.desc()).limit(1))
        name = db.session.scalar(select(Ticket.caller_name).where(Ticket.caller_name.is_not(None), func.length(Ticket.caller_name) == 3)
                                 .order_by(Ticket.id.desc()).limit(1))
        number = db.session.scalar(select(Ticket.number).order_by(Ticket.id).offset(
            db.session.scalar(select(func.count()).select_from(Ticket)) // 2).limit(1))
        newest = db.session.scalar(select(func.max(Ticket.created_at)))
        tokens = {role: create_token_for(username, "scale benchmark")[1]
                  for role, username in [("operator", "op1"), ("dispatcher", "disp1"), ("supervisor", "lead1"), ("board", "board")]}
        db.session.commit()
    month_to = newest - timedelta(days=30)
    return {
        "mobile": frequent[3:], "e164": frequent, "busiest": busiest, "landline": landline[5:], "partial": frequent[3:10],
        "name": name, "number": number, "fragment": number[4:], "prefix": number[:11], "address": "珞喻路", "matter": "水表不走字", "tokens": tokens,
        "from": (month_to - timedelta(days=30)).isoformat(), "to": month_to.isoformat(),
    }


def requests_of(s: dict) -> list[tuple[str, str, str]]:
    """(label, role, URL) for every request of the issue."""
    t = "/api/v1/tickets?"
    month = f"from={s['from']}&to={s['to']}".replace("+", "%2B")
    return [
        ("ticket list, first page", "operator", t),
        ("list: status=new", "operator", t + "status=new"),
        ("list: category=leak", "operator", t + "category=leak"),
        ("list: priority=urgent", "operator", t + "priority=urgent"),
        ("list: unit=east", "operator", t + "unit=east"),
        ("list: one month", "operator", t + month),
        ("list: open+leak+urgent+east", "operator", t + "open=1&category=leak&priority=urgent&unit=east"),
        ("list: sorted by deadline", "operator", t + "open=1&sort=deadline"),
        ("list: all, sorted by deadline", "operator", t + "sort=deadline"),
        ("list: sorted by unit", "operator", t + "sort=unit"),
        ("list: open, sorted by unit", "operator", t + "open=1&sort=unit"),
        ("list: leak, sorted by priority", "operator", t + "category=leak&sort=priority"),
        ("list: sorted by state", "operator", t + "sort=state"),
        ("open tickets", "operator", t + "open=1"),
        ("one category, one month", "operator", t + "category=repair&" + month),
        ("search: full phone", "operator", t + f"q={s['mobile']}"),
        ("search: phone with +86", "operator", t + f"q=%2B86{s['mobile']}"),
        ("search: phone= (full number)", "operator", t + f"phone={s['mobile']}"),
        ("search: landline, no area code", "operator", t + f"q={s['landline']}"),
        ("search: partial phone", "operator", t + f"q={s['partial']}"),
        ("search: caller name", "operator", t + f"q={s['name']}"),
        ("search: number fragment", "operator", t + f"q={s['fragment']}"),
        ("search: number prefix", "operator", t + f"q={s['prefix']}"),
        ("search: address words", "operator", t + f"q={s['address']}"),
        ("search: matter words", "operator", t + f"q={s['matter']}"),
        ("caller history", "operator", f"/api/v1/callers/{s['e164'].replace('+', '%2B')}/tickets"),
        ("caller history, busiest caller", "operator", f"/api/v1/callers/{s['busiest'].replace('+', '%2B')}/tickets"),
        ("SLA supervision (urgent)", "supervisor", "/api/v1/sla/alerts?order=urgent"),
        ("SLA escalations", "supervisor", "/api/v1/sla/escalations"),
        ("SLA escalations, open (the page)", "supervisor", "/api/v1/sla/escalations?open=1&per_page=100"),
        ("SLA extensions", "supervisor", "/api/v1/sla/extensions"),
        ("SLA on-time report (month)", "supervisor", "/api/v1/sla/on-time"),
        ("callback queue", "operator", "/api/v1/callbacks"),
        ("duty log, latest", "supervisor", "/api/v1/duty-log"),
        ("ticket page", "operator", f"/api/v1/tickets/{s['number']}"),
        ("duty-log search", "supervisor", "/api/v1/duty-log/search?q=停水"),
        ("handover search", "supervisor", "/api/v1/handovers?q=跟进"),
        ("wall board snapshot", "board", "/api/v1/board"),
        ("desk snapshot", "dispatcher", "/api/v1/desk/board"),
        ("desk snapshot, late leaks", "dispatcher", "/api/v1/desk/board?category=leak&late=late"),
        ("desk details (200 cards)", "dispatcher", "/api/v1/desk/tickets?" + "&".join(f"number={n}" for n in s["cards"])),
    ]


def rows_of(body) -> str:
    if not isinstance(body, dict):
        return "?"
    for key in ("items", "tickets", "cards"):
        if isinstance(body.get(key), list):
            total = body.get("total")
            if isinstance(body.get("lanes"), dict):  # a live snapshot: its cards of the open tickets counted
                total = sum(lane["total"] for lane in body["lanes"].values())
            return f"{len(body[key])}" + (f" of {total}" if total is not None else "")
    return ",".join(f"{k}:{len(v)}" for k, v in body.items() if isinstance(v, list))


def measure(app, s: dict, runs: int, only: str | None = None) -> list[tuple[str, float, float, str]]:
    client = app.test_client()
    out = []
    s["cards"] = [c["number"] for c in client.get("/api/v1/desk/board", headers={
        "Authorization": f"Bearer {s['tokens']['dispatcher']}"}).get_json()["tickets"]]  # what the desk asks details of
    for label, role, url in requests_of(s):
        if only and not any(part in label for part in only.split(",")):
            continue
        headers = {"Authorization": f"Bearer {s['tokens'][role]}"}
        times, answer = [], None
        for i in range(runs + 1):
            started = time.perf_counter()
            answer = client.get(url, headers=headers)
            if i:
                times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            rows = f"HTTP {answer.status_code}"
        else:
            rows = rows_of(answer.get_json())
        times.sort()
        out.append((label, statistics.median(times), percentile(times, 0.95), rows))
    return out


def size(app, folder: Path, engine: str) -> int:
    if engine == "sqlite":
        return sum(p.stat().st_size for p in folder.glob("hotline.db*"))
    from sqlalchemy import text

    from hotline.core.extensions import db

    with app.app_context():
        return db.session.scalar(text("SELECT pg_database_size(current_database())"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--open", type=int, default=None, help="open tickets (default 3%%)")
    parser.add_argument("--templates", type=int, default=800, help="tickets made through the services first")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", default=os.environ.get("HOTLINE_SCALE_CACHE", "/tmp/hotline-scale"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", help="time only the requests whose label contains this (or one of these, comma-separated)")
    parser.add_argument("--keep-running", action="store_true", help="PostgreSQL: leave the cluster running")
    args = parser.parse_args()
    folder, url = database(args)
    try:
        app = make_app(folder, url)
        record = build(app, folder, args)
        s = samples(app)
        results = measure(app, s, args.runs, args.only)
        db_size = size(app, folder, args.engine)
    finally:
        if args.engine == "postgresql" and not args.keep_running:
            subprocess.run([str(PG_THROWAWAY), "stop", str(folder / "pg")], capture_output=True, check=False)
    print(f"\n{args.engine}, {args.tickets:,} tickets over {args.days} days; database {db_size / 2**20:,.0f} MiB; "
          f"generated in {record['seconds']:,.0f} s; {args.runs} runs each")
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8}  rows")
    for label, p50, p95, rows in results:
        print(f"{label:<34} {p50:>8.1f} {p95:>8.1f}  {rows}")


if __name__ == "__main__":
    main()
