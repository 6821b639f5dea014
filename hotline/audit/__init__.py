"""The audit log (审计日志): an append-only record of who did what that a center must
be able to answer for later: sign-ins and failures, settings and routing changes,
user and token changes, approvals, and every reveal of a confidential caller.

Every domain records through `hotline.audit.services.record`, in the same transaction
as the act it describes (an act rolled back leaves no entry)."""


def init_app(app) -> None:
    # Imported on registration: the table.
    from hotline.audit import models  # noqa: F401
