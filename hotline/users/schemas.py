"""Input and output of the token API."""
from datetime import datetime

from pydantic import BaseModel, Field

from hotline.core.validation import Strict, Text

MAX_TOKEN_DAYS = 3650


class TokenIn(Strict):
    user: Text(60, 1) = Field(description="the account the token acts as: a board account for a wall screen, "
                                          "any other for an integration")
    name: Text(120, 1) = Field(description="what the token is for, e.g. 'Wall screen, hall 2' or 'CTI gateway'")
    expires_in_days: int | None = Field(None, ge=1, le=MAX_TOKEN_DAYS, description="none: until revoked")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="the first characters of the secret, to recognise it")
    user: str
    role: str
    kind: str = Field(description="'board' (a wall screen's kiosk sign-in) or 'integration'")
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute")
    expires_at: datetime | None
    revoked_at: datetime | None
    usable: bool


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="shown this once; only its digest is kept")
    kiosk_url: str | None = Field(description="a board token: the address a wall screen opens once")


class TokenList(BaseModel):
    items: list[TokenOut]
