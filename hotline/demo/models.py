"""The mark a database carries when `flask demo-data` filled it: only such a database is
ever brought current at a later start. A real center's database has no such row."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from hotline.core.extensions import db


class DemoInstance(db.Model):
    __tablename__ = "demo_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeded_at: Mapped[datetime]
    refreshed_at: Mapped[datetime]  # open work was made current up to here
