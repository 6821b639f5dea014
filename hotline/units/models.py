"""Units (承办单位): the center, branch companies, crews and offices work goes to, as a
tree under the center; and the areas (geography) units serve, routing matches and SLA
targets depend on."""
import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core import clock
from hotline.core.extensions import db
from hotline.core.orm import str_enum


class UnitKind(enum.StrEnum):
    CENTER = "center"
    BRANCH = "branch"  # 分公司
    CREW = "crew"  # 班组
    OFFICE = "office"
    ENFORCEMENT = "enforcement"
    SPOKESPERSON = "spokesperson"
    DEPARTMENT = "department"


class Area(db.Model):
    """An area a ticket's `area` names, and whether it lies outside the city (a
    gas leak outside the city allows 50 minutes to arrive instead of 40)."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    outside_city: Mapped[bool] = mapped_column(default=False)


# The areas a unit serves (a branch its districts).
unit_area = Table(
    "unit_area",
    db.metadata,
    Column("unit_id", ForeignKey("unit.id"), primary_key=True),
    Column("area_id", ForeignKey("area.id"), primary_key=True, index=True),
)


class Unit(db.Model):
    """Never deleted: a unit with history is deactivated (it then gets no new work)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    phone: Mapped[str | None] = mapped_column(String(40))
    on_call_phone: Mapped[str | None] = mapped_column(String(40))  # 值班电话
    takes_work_orders: Mapped[bool] = mapped_column(default=True)  # work orders may be sent to it
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.code")
    areas: Mapped[list[Area]] = relationship(secondary=unit_area, order_by=Area.name)

    # Optimistic locking: a flush against a stale version raises StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
