"""The reference client's rule (hotline/live/follower.py), the one live.js follows:
reordered events are put back in order, duplicates dropped, a gap repaired by a
resync, never skipped."""
from hotline.live.follower import GRACE, HEAD_MISSES, Follower


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def ev(seq, **prev):
    rooms = {"center": seq - 1}
    rooms.update({k.replace("_", ":"): v for k, v in prev.items()})
    return {"seq": seq, "prev": rooms, "event": "ticket.updated"}


def board(start=10):
    clock = Clock()
    got = []
    f = Follower(lambda e: got.append(e["seq"]), clock=clock)
    f.join(["center"], 5)
    f.snapshot(start)
    return f, got, clock


def test_in_order_events_apply_at_once():
    f, got, _ = board()
    for s in (11, 12, 13):
        f.receive(ev(s))
    assert got == [11, 12, 13] and f.seen["center"] == 13 and f.due is None


def test_a_reordered_event_waits_for_the_one_before_it():
    f, got, clock = board()
    f.receive(ev(12))
    assert got == [] and f.due == clock.t + GRACE
    f.receive(ev(11))
    assert got == [11, 12] and f.due is None
    assert f.wire_reorders == 1
    clock.t += 10 * GRACE
    assert not f.poll()  # nothing missing: the only resync is the head silence, not due yet


def test_duplicates_and_events_the_snapshot_reflects_are_dropped():
    f, got, _ = board(start=10)
    f.receive(ev(9))  # reflected by the snapshot
    f.receive(ev(11))
    f.receive(ev(11))
    assert got == [11] and f.duplicates == 2


def test_a_gap_is_repaired_by_a_resync_after_the_grace():
    f, got, clock = board()
    f.receive(ev(11))
    f.receive(ev(13))
    assert got == [11]
    clock.t += GRACE / 2
    assert not f.poll()
    clock.t += GRACE
    assert f.poll() and f.since() == 11
    f.resynced([ev(12), ev(13)], 13)
    assert got == [11, 12, 13] and not f.buffer and f.resyncs == 1


def test_a_head_above_seen_means_a_lost_last_event():
    f, got, clock = board()
    f.receive(ev(11))
    f.head("center", 12)  # 12 was committed; its emit never came
    assert not f.poll()
    clock.t += GRACE
    assert f.poll()
    f.resynced([ev(12)], 12)
    assert got == [11, 12]
    f.head("center", 12)
    clock.t += GRACE
    assert not f.poll()


def test_a_late_event_within_the_grace_cancels_the_resync():
    f, got, clock = board()
    f.head("center", 11)
    clock.t += GRACE / 2
    f.receive(ev(11))
    clock.t += GRACE
    assert not f.poll() and got == [11]


def test_silence_of_the_heads_means_a_resync():
    f, _, clock = board()
    clock.t += HEAD_MISSES * 5 - 1
    assert not f.poll()
    clock.t += 2
    assert f.poll()
    assert not f.poll()  # once per silence


def test_a_crew_follows_its_units_chain_not_the_centers():
    clock = Clock()
    got = []
    f = Follower(lambda e: got.append(e["seq"]), clock=clock)
    f.join(["unit:3"], 5)
    f.snapshot(10)
    f.receive(ev(20, unit_3=15))  # 15 in my room is missing (11..19 are others')
    assert got == []
    f.receive(ev(15, unit_3=10, unit_4=2))
    assert got == [15, 20]
    f.receive(ev(25, unit_3=20))
    assert got == [15, 20, 25]


def test_events_before_the_start_wait_for_it():
    clock = Clock()
    got = []
    f = Follower(lambda e: got.append(e["seq"]), clock=clock)
    f.receive(ev(12))
    f.receive(ev(11))
    f.join(["center"], 5)
    f.snapshot(11)
    assert got == [12]
