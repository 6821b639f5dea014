"""Live events across processes, on the production layout (scripts/prod: two gunicorn
web processes, a real redis-server as the Socket.IO queue, one `flask sla-worker`;
SQLite, or PostgreSQL with HOTLINE_TEST_DATABASE_URL): clients on different processes
following the reference client's rule (hotline/live/follower.py) get every event they
may see, once, in order, while tickets are created and dispatched through both; also
across a Redis outage and a web process restart. Raw wire reorders (repaired by the
rule) are counted and printed, not forbidden."""
from __future__ import annotations

import threading
import time

import pytest
from fixtures.cluster import cluster  # noqa: F401 - fixture

from hotline.live.follower import LiveClient

pytestmark = pytest.mark.multiprocess


def clients(cluster):  # noqa: F811
    """Two boards and a crew phone on each web process."""
    made = []
    for web in (0, 1):
        for who in ("dispatcher", "supervisor", "crew_n"):
            made.append(LiveClient(cluster.web[web], cluster.tokens[who]).start())
            made[-1].who, made[-1].web = who, web
    return made


def traffic(cluster, per_thread: int, threads_per_web: int = 2, dispatch_every: int = 3,  # noqa: F811
            retry_for: float = 0):
    """Tickets created through both web processes at once; every third dispatched to the crew."""
    errors = []

    def run(web, k):
        try:
            for i in range(per_thread):
                t = cluster.post(web, "operator", "/tickets", {"category": "repair", "matter": f"w{web} t{k} #{i}",
                                                                 "caller": {"phone": f"1390013{web}{k:03d}"}}, retry_for)
                if i % dispatch_every == 0:
                    cluster.post(1 - web, "dispatcher", f"/tickets/{t['number']}/dispatch",
                                 {"unit": "crew-n", "version": t["version"]}, retry_for)
        except Exception as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w, k)) for w in (0, 1) for k in range(threads_per_web)]
    for t in threads:
        t.start()
    return threads, errors


def expected_for(client, outbox):
    rooms = set(client.follower.rooms)
    start = client.first_seq
    return [seq for seq, unit_ids, _ in outbox
            if seq > start and ("center" in rooms or rooms & {f"unit:{u}" for u in unit_ids})]


def settle(cluster, made, timeout=20.0):  # noqa: F811
    """Wait until every client has caught up with the outbox; returns the outbox."""
    deadline = time.monotonic() + timeout
    while True:
        outbox = cluster.outbox()
        behind = [c for c in made if [e["seq"] for e in c.events] != expected_for(c, outbox)]
        if not behind or time.monotonic() > deadline:
            return outbox, behind
        time.sleep(1.0)


def report(label, made):
    print(f"\n{label}: " + "; ".join(
        f"{c.who}@web{c.web}: {len(c.events)} applied, {c.follower.wire_reorders} wire reorders, "
        f"{c.follower.duplicates} duplicates dropped, {c.follower.resyncs} resyncs" for c in made))


def check(cluster, made):  # noqa: F811
    outbox, behind = settle(cluster, made)
    for c in made:
        got = [e["seq"] for e in c.events]
        want = expected_for(c, outbox)
        assert len(got) == len(set(got)), f"{c.who}@web{c.web}: a duplicate applied"
        assert got == sorted(got), f"{c.who}@web{c.web}: applied out of order"
        assert got == want, f"{c.who}@web{c.web}: missing {sorted(set(want) - set(got))[:20]}"
    return outbox


@pytest.fixture
def made(cluster):  # noqa: F811
    opened = clients(cluster)
    for c in opened:
        c.first_seq = c.follower.applied_start
    yield opened
    for c in opened:
        c.close()


def test_every_client_gets_every_event_once_in_order(cluster, made):  # noqa: F811
    threads, errors = traffic(cluster, per_thread=15)
    for k in range(4):  # breached 3 s later by the sla-worker, whose events come through Redis
        cluster.post(k % 2, "operator", "/tickets", {"category": "billing", "matter": f"sla {k}",
                                                     "caller": {"phone": f"1370013700{k}"}})
    for t in threads:
        t.join(120)
    assert not errors, errors
    time.sleep(4)
    outbox = check(cluster, made)
    assert {"sla.warning", "sla.breached"} <= {name for _, _, name in outbox}
    crew = next(c for c in made if c.who == "crew_n")
    assert crew.events and len(crew.events) < len(made[0].events)  # a crew sees its unit's only
    assert len(made[0].events) >= 60
    report("both processes", made)


def test_a_redis_outage_is_noticed_and_repaired(cluster, made):  # noqa: F811
    threads, errors = traffic(cluster, per_thread=4, threads_per_web=1)
    for t in threads:
        t.join(60)
    cluster.stop_redis()
    try:
        # Written while the queue is down: committed, the emit fails (logged), the request succeeds.
        threads, errors2 = traffic(cluster, per_thread=3, threads_per_web=1)
        for t in threads:
            t.join(60)
        assert not errors2, errors2
        time.sleep(4)  # heads (local to each process) tell the clients what they missed
    finally:
        cluster.start_redis()
    threads, errors3 = traffic(cluster, per_thread=3, threads_per_web=1)
    for t in threads:
        t.join(60)
    assert not errors and not errors3, errors + errors3
    check(cluster, made)
    assert all(c.follower.resyncs for c in made)  # they noticed
    report("redis outage", made)


def test_a_web_process_restart(cluster, made):  # noqa: F811
    threads, errors = traffic(cluster, per_thread=10, threads_per_web=1, retry_for=30)
    time.sleep(0.5)
    cluster.restart_web(1)  # its clients drop; requests to it wait for the new process
    for t in threads:
        t.join(120)
    assert not errors, errors
    on_1 = [c for c in made if c.web == 1]
    deadline = time.monotonic() + 15  # a client's reconnect backoff is random: wait for it, not for luck
    while not all(c.connects >= 2 for c in on_1) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(c.connects >= 2 for c in on_1)  # they came back (and resynced on the hello)
    check(cluster, made)
    report("web restart", made)
