"""Demo callbacks: the demo's resolved tickets called back, so that the queue and the
rates look like a working center. Older callbacks are done (mostly satisfied, a few
unsolved or dissatisfied and reopened, some callers never reached); the last hours'
are waiting, and a few were forgotten past their deadline."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline.callbacks.models import Callback, CallbackStatus, Satisfaction
from hotline.callbacks.services import record_attempt
from hotline.core import clock
from hotline.core.extensions import db
from hotline.users.models import Role, User

LEVELS = [(Satisfaction.VERY_SATISFIED, 45), (Satisfaction.SATISFIED, 35), (Satisfaction.NEUTRAL, 12), (Satisfaction.DISSATISFIED, 8)]
WORDS = [
    "水还是有点黄，放了半小时才清",
    "师傅说要再来换阀门，到现在没人来",
    "维修后楼道里的泥没清理",
    "水压还是很低，早上高峰基本没水",
    "抄表员态度不好，希望分公司道歉",
    "The leak is back under the sink",
]
NOT_REACHED = ["无人接听", "关机", "占线", "号码暂停服务", "no answer"]


def seed_callbacks(now: datetime, seed: int = 96116) -> tuple[int, int]:
    """Work the demo's pending callbacks as the operators would have; returns (done, left pending)."""
    rng = random.Random(seed)
    operators = db.session.scalars(select(User).where(User.role == Role.OPERATOR).order_by(User.username)).all()
    pending = db.session.scalars(
        select(Callback).where(Callback.status == CallbackStatus.PENDING).order_by(Callback.created_at)
    ).all()
    done = 0
    for callback in pending:
        age = now - callback.created_at
        if age < timedelta(hours=6) or (age < timedelta(days=2) and rng.random() < 0.4) or rng.random() < 0.06:
            tried = now - timedelta(minutes=rng.uniform(5, 55))
            if tried > callback.created_at and rng.random() < 0.35:  # tried lately, not reached: waits
                _try(callback, rng, operators, tried, reached=False)
            continue
        late = rng.random() < 0.12  # busy days: called back after the deadline
        at = callback.created_at + timedelta(hours=rng.uniform(50, 90) if late else rng.uniform(1, 30))
        while callback.status == CallbackStatus.PENDING and at < now:
            _try(callback, rng, operators, at, reached=rng.random() < 0.8)
            at += timedelta(hours=rng.uniform(1.1, 5))
        done += callback.status != CallbackStatus.PENDING
    db.session.commit()
    return done, len(pending) - done


def _try(callback: Callback, rng: random.Random, operators: list[User], at: datetime, reached: bool) -> None:
    clock.freeze(at)
    operator = rng.choice(operators)
    if not reached:
        record_attempt(callback, operator, callback.version, reached=False, words=rng.choice(NOT_REACHED))
        return
    level = rng.choices([lv for lv, _ in LEVELS], weights=[w for _, w in LEVELS])[0]
    solved = rng.random() < (0.5 if level == Satisfaction.DISSATISFIED else 0.96)
    words = rng.choice(WORDS) if not solved or level == Satisfaction.DISSATISFIED else None
    record_attempt(callback, operator, callback.version, reached=True, solved=solved, satisfaction=level, words=words)
