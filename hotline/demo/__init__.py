"""Demo data: a water-utility hotline center with a few weeks of calls.

`flask --app wsgi demo-data` calls `seed_demo()`. It does nothing but report when
users already exist, so it can run at every start. Everything is made through the
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
from hotline.demo import calls, center
from hotline.duty.dutylog.demo import seed_duty_log
from hotline.duty.handover.demo import seed_handover
from hotline.duty.rosters.demo import seed_duty
from hotline.duty.seats.demo import seed_seats
from hotline.sla.demo import seed_sla
from hotline.tickets.models import Channel, Status
from hotline.tickets.services import add_note, cancel_ticket, create_ticket
from hotline.users.models import User

SEED = 96_116
BATCH = 50

# Districts of the (fictional) city and the branch company that serves each.
def seed_demo(tickets: int = 400, days: int = 28) -> Iterator[str]:
    """Fill an empty database; yield lines to print (ending with the logins table)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        yield "demo data: users already exist, nothing added"
        if center.logins_file().exists():
            yield from center.logins_file().read_text(encoding="utf-8").splitlines()
        return

    rng = random.Random(SEED)
    units = center.make_units()
    logins = center.make_users(units)
    db.session.commit()
    users = {u.username: u for u, _ in logins}
    operators = [users[f"op{n}"] for n in range(1, 5)]

    callers = calls.make_callers(rng, max(20, tickets * 2 // 3))
    # A few callers ring again and again: weight them like a long tail.
    caller_weights = [4 if i < len(callers) // 20 else 1 for i in range(len(callers))]
    categories = list(calls.CATEGORY_MIX.items())
    made, cancelled, noted = 0, 0, 0
    real_now = clock.now()
    try:
        for at in calls.call_times(rng, tickets, days, real_now):
            clock.freeze(at)
            caller = rng.choices(callers, weights=caller_weights)[0]
            category = calls.pick(rng, categories)
            hour = clock.local(at).hour
            operator = operators[(hour // 8) % 2 * 2 + rng.randrange(2)]  # day and night shifts
            ticket = create_ticket(calls.ticket_data(rng, category, caller, at), operator, Channel.PHONE)
            made += 1
            later = at
            if ticket.is_open and rng.random() < 0.25:
                later = min(later + timedelta(minutes=rng.randint(10, 600)), real_now)
                clock.freeze(later)
                add_note(ticket, rng.choice(calls.NOTES), rng.choice([operator, users["disp1"], users["disp2"]]))
                noted += 1
            if ticket.is_open and rng.random() < 0.05:
                clock.freeze(min(later + timedelta(minutes=rng.randint(2, 90)), real_now))
                cancel_ticket(ticket, rng.choice(calls.CANCEL_REASONS), operator, None)
                cancelled += 1
            desk = users[rng.choice(["disp1", "disp2"])]
            if ticket.status == Status.NEW and real_now - later > timedelta(hours=2):
                later += timedelta(minutes=rng.randint(2, 30))
                clock.freeze(later)
                dispatch_ticket(ticket, units[f"{caller['branch']}-crew-{rng.randint(1, 2)}"], desk, None)
            if ticket.status == Status.DISPATCHED:
                calls.progress(rng, ticket, later, real_now, desk)
            if made % BATCH == 0:
                db.session.commit()
        db.session.commit()
        seed_callbacks(real_now)
        yield seed_sla(real_now)  # after every ticket and callback: the sweep walks their history
    finally:
        clock.reset()
    rules = center.make_routing_rules()
    db.session.commit()
    duty = [seed_duty(users), seed_seats(), seed_duty_log(users)]
    yield seed_handover(users, {u.username: password for u, password in logins})

    table = center.logins_table(logins)
    path = center.logins_file()
    path.write_text("\n".join(table) + "\n", encoding="utf-8")
    path.chmod(0o600)
    yield from duty
    yield (f"demo data: {len(units)} units, {len(logins)} users, {rules} routing rules, {made} tickets over {days} days "
           f"({noted} with notes, {cancelled} cancelled)")
    yield from table


def init_app(app) -> None:
    """`flask demo-data`: the demo center, made through the same services as real work."""

    @app.cli.command("demo-data")
    @click.option("--tickets", default=400, show_default=True)
    @click.option("--days", default=28, show_default=True)
    def demo_data_command(tickets, days):
        """Fill an empty database with a realistic center (idempotent)."""
        for line in seed_demo(tickets=tickets, days=days):
            click.echo(line)
