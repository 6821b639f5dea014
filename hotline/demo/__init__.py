"""Demo data: a water-utility hotline center with a few weeks of calls.

`flask --app wsgi demo-data` calls `seed_demo()`. It runs at every start: on a
database it filled before it brings the center to today (hotline.demo.current), on
any other database with users it changes nothing. Everything is made through the
same services the app uses, with a fixed random seed: two runs on the same day
give the same center, callers and tickets."""
import random
from datetime import timedelta
from typing import Iterator

import click
from sqlalchemy import func, select

from dispatch.workorders.services import dispatch_ticket
from hotline.callbacks.demo import seed_callbacks
from hotline.core import clock
from hotline.core.extensions import db
from hotline.demo import calls, center, current, scale
from hotline.duty.dutylog.demo import seed_duty_log
from hotline.duty.handover.demo import seed_handover
from hotline.duty.rosters.demo import ensure_roster, seed_duty
from hotline.duty.seats.demo import seed_seats
from hotline.sla.demo import seed_sla
from hotline.tickets.models import Channel, Status
from hotline.tickets.services import add_note, cancel_ticket, create_ticket
from hotline.units.models import Unit
from hotline.users.models import User

SEED = 96_116
BATCH = 50

# Districts of the (fictional) city and the branch company that serves each.
class Intake:
    """Calls coming in as the center takes them: the caller's matter written up by the
    operator on shift, dispatched by the desk after a while, worked by the crew."""

    def __init__(self, rng: random.Random, tickets: int):
        self.rng = rng
        self.users = {u.username: u for u in db.session.scalars(select(User))}
        self.units = {u.code: u for u in db.session.scalars(select(Unit))}
        self.operators = [self.users[f"op{n}"] for n in range(1, 5)]
        # Made with their own generator: the same callers however many calls follow.
        self.callers = calls.make_callers(random.Random(SEED), max(20, tickets * 2 // 3))
        # A few callers ring again and again: weight them like a long tail.
        self.weights = [4 if i < len(self.callers) // 20 else 1 for i in range(len(self.callers))]
        self.categories = list(calls.CATEGORY_MIX.items())
        self.made = self.cancelled = self.noted = 0

    def take(self, at, now) -> None:
        rng, users = self.rng, self.users
        clock.freeze(at)
        caller = rng.choices(self.callers, weights=self.weights)[0]
        category = calls.pick(rng, self.categories)
        hour = clock.local(at).hour
        operator = self.operators[(hour // 8) % 2 * 2 + rng.randrange(2)]  # day and night shifts
        ticket = create_ticket(calls.ticket_data(rng, category, caller, at), operator, Channel.PHONE)
        self.made += 1
        later = at
        if ticket.is_open and rng.random() < 0.25:
            later = min(later + timedelta(minutes=rng.randint(10, 600)), now)
            clock.freeze(later)
            add_note(ticket, rng.choice(calls.NOTES), rng.choice([operator, users["disp1"], users["disp2"]]))
            self.noted += 1
        if ticket.is_open and rng.random() < 0.05:
            clock.freeze(min(later + timedelta(minutes=rng.randint(2, 90)), now))
            cancel_ticket(ticket, rng.choice(calls.CANCEL_REASONS), operator, None)
            self.cancelled += 1
        desk = users[rng.choice(["disp1", "disp2"])]
        if ticket.status == Status.NEW and now - later > timedelta(hours=2):
            later += timedelta(minutes=rng.randint(2, 30))
            clock.freeze(later)
            dispatch_ticket(ticket, self.units[f"{caller['branch']}-crew-{rng.randint(1, 2)}"], desk, None)
        if ticket.status == Status.DISPATCHED:
            calls.progress(rng, ticket, later, now, desk)
        if self.made % BATCH == 0:
            db.session.commit()


def _back_to(now, held: bool) -> None:
    """After walking through history: the clock as it was (a test's frozen clock stays)."""
    if held:
        clock.freeze(now)
    else:
        clock.reset()


def seed_demo(tickets: int = 400, days: int = 28) -> Iterator[str]:
    """Fill an empty database; on a demo database filled before, bring it to today (see
    hotline.demo.current); yield lines to print (ending with the logins table)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        yield from refresh_demo(tickets, days)
        if center.logins_file().exists():
            yield from center.logins_file().read_text(encoding="utf-8").splitlines()
        return

    rng = random.Random(SEED)
    units = center.make_units()
    logins = center.make_users(units)
    db.session.commit()
    users = {u.username: u for u, _ in logins}
    intake = Intake(rng, tickets)
    real_now, held = clock.now(), clock.is_frozen()
    try:
        for at in calls.call_times(rng, tickets, days, real_now):
            intake.take(at, real_now)
        db.session.commit()
        seed_callbacks(real_now)
        settled = current.settle(real_now, rng)  # the old work done, a handful late
        yield seed_sla(real_now)  # after every ticket and callback: the sweep walks their history
    finally:
        _back_to(real_now, held)
    rules = center.make_routing_rules()
    current.mark(real_now)
    db.session.commit()
    duty = [seed_duty(users), seed_seats(), seed_duty_log(users)]
    _back_to(real_now, held)  # those walk through their own past and let the clock go
    yield seed_handover(users, {u.username: password for u, password in logins})
    _back_to(real_now, held)

    table = center.logins_table(logins)
    path = center.logins_file()
    path.write_text("\n".join(table) + "\n", encoding="utf-8")
    path.chmod(0o600)
    yield from duty
    total, late = current.open_counts(real_now)
    yield (f"demo data: {len(units)} units, {len(logins)} users, {rules} routing rules, {intake.made} tickets over "
           f"{days} days ({intake.noted} with notes, {intake.cancelled} cancelled, {settled} worked to the end); "
           f"{total} open, {late} overdue")
    yield from table


def refresh_demo(tickets: int = 400, days: int = 28) -> Iterator[str]:
    """A database filled by demo-data before: the calls since it last ran (the last few
    hours' worth), old work finished, deadlines swept up to now, this month's roster.
    Any other database with users is left exactly as it is."""
    mark = current.instance()
    if mark is None:
        yield "demo data: users already exist and this is not a demo database, nothing changed"
        return
    now, held = clock.now(), clock.is_frozen()
    rng = random.Random(SEED + int(now.timestamp()) // 3600)
    since = max(mark.refreshed_at, now - timedelta(hours=current.FRESH_HOURS))
    intake = Intake(rng, tickets)
    try:
        for at in calls.calls_between(rng, since, now, tickets / days):
            intake.take(at, now)
        db.session.commit()
        settled = current.settle(now, rng)
        current.catch_up_deadlines(now)
    finally:
        _back_to(now, held)
    roster = ensure_roster(intake.users)
    mark.refreshed_at = now
    db.session.commit()
    total, late = current.open_counts(now)
    yield (f"demo data: brought to today: {intake.made} new calls since {clock.local(since):%Y-%m-%d %H:%M}, "
           f"{settled} older tickets worked to the end, {total} open, {late} overdue{roster}")


def init_app(app) -> None:
    """`flask demo-data`: the demo center, made through the same services as real work."""

    @app.cli.command("demo-data")
    @click.option("--tickets", default=400, show_default=True)
    @click.option("--days", default=28, show_default=True)
    def demo_data_command(tickets, days):
        """Fill an empty database with a realistic center (idempotent)."""
        for line in seed_demo(tickets=tickets, days=days):
            click.echo(line)

    scale.init_app(app)
