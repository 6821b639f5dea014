"""Work orders: a ticket sent to a unit or crew, followed step by step."""
import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum
from hotline.tickets.models import Ticket
from hotline.units.models import Unit
from hotline.users.models import User


class WorkOrderStatus(enum.StrEnum):
    ASSIGNED = "assigned"  # 派单, waiting to be accepted
    ACCEPTED = "accepted"  # 接单/签收
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"  # 到场
    RESOLVED = "resolved"  # 办结
    RETURNED = "returned"  # 退回 by the unit
    TRANSFERRED = "transferred"  # 转办 by the dispatcher to another unit
    CANCELLED = "cancelled"


ACTIVE_WORK = (
    WorkOrderStatus.ASSIGNED,
    WorkOrderStatus.ACCEPTED,
    WorkOrderStatus.EN_ROUTE,
    WorkOrderStatus.ON_SITE,
)


class WorkOrder(db.Model):
    __tablename__ = "work_order"
    __table_args__ = (Index("ix_work_order_unit_status", "unit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    status: Mapped[WorkOrderStatus] = mapped_column(str_enum(WorkOrderStatus))
    dispatcher_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    instructions: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # 办结 in words
    reason: Mapped[str | None] = mapped_column(Text)  # why returned or transferred

    assigned_at: Mapped[datetime] = mapped_column(default=clock.now)
    accepted_at: Mapped[datetime | None]
    en_route_at: Mapped[datetime | None]
    arrived_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]  # returned, transferred or cancelled

    ticket: Mapped[Ticket] = relationship(backref="work_orders")
    unit: Mapped[Unit] = relationship()
    dispatcher: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_WORK
