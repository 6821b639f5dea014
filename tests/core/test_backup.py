"""`flask backup` under write load and `flask restore` into a fresh place: every ticket answered
201 before the backup started is in the copy, and the copy passes PRAGMA integrity_check."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from fixtures.live import ROOT, live_server  # noqa: F401  (module-scoped fixture)

TOKEN = """
import json
from sqlalchemy import select
from hotline.users.models import User
from hotline.users.services import create_token
print(json.dumps(create_token(db.session.scalar(select(User).where(User.username == "operator")), "t")[1]))
"""


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run([str(flask), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def _numbers(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {row[0] for row in conn.execute("SELECT number FROM ticket")}
    finally:
        conn.close()


def test_backup_under_write_load_then_restore(live_server, tmp_path):  # noqa: F811
    if "DATABASE_URL" in live_server.env and not live_server.env["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("the online SQLite backup; PostgreSQL backs up with pg_dump")
    token = json.loads(live_server.run_in_app(TOKEN).strip().splitlines()[-1])
    answered: list[tuple[float, str]] = []  # (when the 201 arrived, number)
    stop = threading.Event()

    def write(k: int):
        http = requests.Session()
        n = 0
        while not stop.is_set():
            r = http.post(live_server.url + "/api/v1/tickets", timeout=30, headers={"Authorization": f"Bearer {token}"},
                          json={"category": "repair", "matter": f"load {k}-{n}", "caller": {"phone": "13800138000"}})
            assert r.status_code == 201, r.text
            answered.append((time.monotonic(), r.json()["number"]))
            n += 1

    writers = [threading.Thread(target=write, args=(k,)) for k in range(3)]
    for w in writers:
        w.start()
    try:
        while len(answered) < 30:
            time.sleep(0.05)
        copy = tmp_path / "backups" / "copy.db"
        started = time.monotonic()
        result = _flask(live_server.env, "backup", "--to", str(copy))
        assert result.returncode == 0, result.stderr
        time.sleep(0.5)  # the writers keep going after it
    finally:
        stop.set()
        for w in writers:
            w.join(60)
    assert "integrity ok" in result.stdout
    before = {number for at, number in answered if at < started}
    assert len(before) >= 30 and len(answered) > len(before)

    # Restore into a fresh instance, as the documented steps do (the server there is stopped).
    fresh = tmp_path / "fresh"
    env = {**live_server.env, "HOTLINE_INSTANCE": str(fresh)}
    env.pop("DATABASE_URL", None)
    refused = _flask(env, "restore", str(copy))
    assert refused.returncode != 0 and "--yes" in refused.stderr
    result = _flask(env, "restore", str(copy), "--yes")
    assert result.returncode == 0, result.stderr
    restored = fresh / "hotline.db"
    conn = sqlite3.connect(restored)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    have = _numbers(restored)
    assert before <= have, sorted(before - have)
    # The app runs on it: the migrations find nothing to do, and it reads the tickets.
    assert _flask(env, "db", "upgrade").returncode == 0
    assert _numbers(restored) == have

    # Restoring over a database keeps the one it replaces.
    again = _flask(env, "restore", str(copy), "--yes")
    assert again.returncode == 0 and "before-restore" in again.stdout
    assert list(fresh.glob("hotline.db.before-restore-*"))


def test_backup_of_postgresql_prints_pg_dump(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOTLINE_INSTANCE": str(tmp_path), "PYTHONPATH": str(ROOT),
           "DATABASE_URL": "postgresql+psycopg://hotline:s3cret@127.0.0.1:1/hotline"}
    result = _flask(env, "backup", "--to", str(tmp_path / "x.dump"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("pg_dump --format=custom --no-owner --file=")
    assert "postgresql://hotline:***@127.0.0.1:1/hotline" in result.stdout and "s3cret" not in result.stdout
