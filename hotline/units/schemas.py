"""The shapes of unit administration: input (validated before any rule runs) and the
answers documented in /api/openapi.json (hotline/units/admin.py writes them)."""
from typing import Annotated

from pydantic import BaseModel, Field

from hotline.core.validation import Strict, Text
from hotline.units.models import UnitKind

Code = Annotated[Text(40, 1), Field(pattern=r"^[a-z][a-z0-9_-]*$", examples=["north-crew-1"])]
# As dialled: digits with spaces, dashes, brackets, a leading +; short numbers (96116) too.
Phone = Annotated[Text(40, 3), Field(pattern=r"^\+?[0-9][0-9 ()-]*[0-9]$", examples=["027-85501101"])]
AreaNames = Annotated[list[Text(80, 1)], Field(max_length=200, description="names of areas (/api/v1/areas)")]


class UnitIn(Strict):
    """A new unit: the center is the root; every other unit sits under a parent."""

    code: Code
    name: Text(120, 1)
    kind: UnitKind
    parent: Code | None = Field(None, description="the parent unit's code; null only for the center")
    phone: Phone | None = None
    on_call_phone: Phone | None = Field(None, description="值班电话: who answers out of hours")
    areas: AreaNames = Field(default_factory=list)
    takes_work_orders: bool = True


class UnitUpdate(Strict):
    """Only the fields sent change; `version` is the one the caller last saw. A new
    `parent` moves the unit (with the units under it)."""

    version: int
    code: Code | None = None
    name: Text(120, 1) | None = None
    parent: Code | None = None
    phone: Phone | None = None
    on_call_phone: Phone | None = None
    areas: AreaNames | None = None
    takes_work_orders: bool | None = None


class UnitVersion(Strict):
    """Deactivate or reactivate: the version the caller last saw."""

    version: int


class UnitQuery(Strict):
    inactive: bool = Field(False, description="deactivated units too")


# --- answers -----------------------------------------------------------------------------------


class UnitOut(BaseModel):
    """A unit of the tree. Lists come in tree order (each unit followed by those under it)."""

    id: int
    code: str
    name: str
    kind: UnitKind
    parent: str | None = Field(description="the parent's code; null for the root")
    parent_id: int | None
    depth: int = Field(description="0 for the root, 1 under it...")
    phone: str | None
    on_call_phone: str | None
    areas: list[str]
    takes_work_orders: bool
    active: bool
    version: int


class UnitListOut(BaseModel):
    items: list[UnitOut]
