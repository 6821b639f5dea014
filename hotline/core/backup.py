"""`flask backup` and `flask restore`: a consistent copy of the database while the server runs.

SQLite: SQLite's online backup API copies the whole database in one step, from one read
snapshot (WAL mode: writers go on meanwhile), so the copy holds exactly the transactions
committed before it started; it is written beside its destination, checked with
`PRAGMA integrity_check`, then renamed into place. `flask restore PATH` checks a copy and
writes it into the configured database through the same API (after keeping the current one
beside it); stop the server first.

PostgreSQL: `pg_dump --format=custom` (consistent by itself: one snapshot) and `pg_restore`;
the commands print with the password hidden, and run with `--run`."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from hotline.core import clock


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise click.ClickException("an in-memory SQLite database has nothing to back up")
    return Path(url.database).resolve()


def check(path: Path) -> str:
    """PRAGMA integrity_check of a SQLite file: 'ok', or what it found."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "\n".join(r[0] for r in rows)


def backup_sqlite(source: Path, dest: Path) -> Path:
    """A consistent online copy of `source` at `dest` (atomic: a partial copy never has its name)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: everything in one step, from one snapshot
    finally:
        dst.close()
        src.close()
    verdict = check(partial)
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, dest)
    return dest


def restore_sqlite(copy: Path, target: Path) -> Path | None:
    """Write the backup `copy` into `target` (SQLite's backup API: its WAL and locks are honoured).
    The database it replaces is kept beside it; returns that file (None when there was none)."""
    verdict = check(copy)
    if verdict != "ok":
        raise click.ClickException(f"{copy} failed its integrity check: {verdict}")
    kept = None
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        kept = target.with_name(f"{target.name}.before-restore-{clock.now():%Y%m%d-%H%M%S}")
        backup_sqlite(target, kept)
    src = sqlite3.connect(copy)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return kept


def _libpq(url) -> tuple[str, dict]:
    """The URL for pg_dump / pg_restore (no +psycopg, no password) and the environment with PGPASSWORD."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict) -> None:
    tool = shutil.which(cmd[0])
    if tool is None:
        raise click.ClickException(f"{cmd[0]} not found (apt-get install postgresql-client)")
    result = subprocess.run([tool, *cmd[1:]], env=env)
    if result.returncode != 0:
        raise click.ClickException(f"{cmd[0]} failed (exit {result.returncode})")


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--to", "dest", type=click.Path(dir_okay=False, path_type=Path),
                  help="where to write the copy (default: <instance>/backups/hotline-<time>.db or .dump)")
    @click.option("--run", is_flag=True, help="PostgreSQL: run pg_dump (else print the command)")
    def backup(dest: Path | None, run: bool):
        """Copy the database while the server runs (SQLite: online backup; PostgreSQL: pg_dump)."""
        url = _url()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = Path(current_app.config["INSTANCE_PATH"]) / "backups"
        if url.get_backend_name() == "sqlite":
            dest = backup_sqlite(_sqlite_path(url), dest or folder / f"hotline-{stamp}.db")
            click.echo(f"backup: {dest} ({dest.stat().st_size} bytes, integrity ok)")
            return
        if url.get_backend_name() != "postgresql":
            raise click.ClickException(f"no backup for {url.get_backend_name()}")
        dest = dest or folder / f"hotline-{stamp}.dump"
        target, env = _libpq(url)
        cmd = ["pg_dump", "--format=custom", "--no-owner", f"--file={dest}", target]
        click.echo(" ".join(cmd[:-1] + [url.set(drivername="postgresql").render_as_string(hide_password=True)]))
        if run:
            dest.parent.mkdir(parents=True, exist_ok=True)
            _run(cmd, env)
            click.echo(f"backup: {dest} ({dest.stat().st_size} bytes)")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="replace the configured database (stop the server first)")
    def restore(path: Path, yes: bool):
        """Bring back a backup: stop the server, restore, start it.

        SQLite: the copy is checked, the current database kept beside it as
        *.before-restore-<time>, then the copy written in its place. PostgreSQL: pg_restore
        --clean into the configured database (printed; run with --yes)."""
        url = _url()
        if url.get_backend_name() == "sqlite":
            target = _sqlite_path(url)
            if not yes:
                raise click.ClickException(f"this replaces {target}: stop the server, then run again with --yes")
            kept = restore_sqlite(path, target)
            click.echo(f"restored {path} into {target}" + (f" (the previous database: {kept})" if kept else ""))
            return
        target, env = _libpq(url)
        cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={target}", str(path)]
        shown = url.set(drivername="postgresql").render_as_string(hide_password=True)
        click.echo(" ".join(cmd[:4] + [f"--dbname={shown}", str(path)]))
        if yes:
            _run(cmd, env)
            click.echo("restored")
        else:
            click.echo("stop the server, then run again with --yes (or run the command above)")
