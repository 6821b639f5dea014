"""Routing rules: which unit a new ticket of a category (and area) goes to."""
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.core.extensions import db
from hotline.tickets.models import Category
from hotline.units.models import Unit


class RoutingRule(db.Model):
    __tablename__ = "routing_rule"
    __table_args__ = (
        UniqueConstraint("category_id", "area"),
        # NULL areas never clash in the key above: one "any area" rule per category, here.
        Index("uq_routing_rule_any_area", "category_id", unique=True,
              sqlite_where=text("area IS NULL"), postgresql_where=text("area IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    area: Mapped[str | None] = mapped_column(String(80))  # None: any area
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    category: Mapped[Category] = relationship()
    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}
