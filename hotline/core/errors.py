"""Domain errors raised by services and turned into HTTP answers in one place."""


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    """Bad input: `fields` maps a field path ('caller.phone') to a message."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str = "validation failed"):
        super().__init__(message, fields=fields)
        self.fields = fields


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The thing changed under the caller (stale version) or the step is illegal now."""

    status = 409
