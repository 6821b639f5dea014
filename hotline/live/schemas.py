"""The live snapshots' query strings: how many cards a lane shows, and the desk's filters."""
from pydantic import Field

from dispatch.desk.schemas import DeskFilters
from hotline.core.validation import Strict
from hotline.live.board import BOARD_WINDOW, DESK_WINDOW, MAX_WINDOW


class BoardQuery(Strict):
    per_lane: int = Field(BOARD_WINDOW, ge=1, le=MAX_WINDOW,
                          description="cards per column, the most urgent first; the rest are counted")


class DeskBoardQuery(DeskFilters):
    per_lane: int = Field(DESK_WINDOW, ge=1, le=MAX_WINDOW,
                          description="cards per list (queue, progress), the most urgent first; the rest are counted")
