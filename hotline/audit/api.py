"""The audit log in the JSON API (admins and managers)."""
from flask import jsonify, request

from hotline.audit import log
from hotline.audit.schemas import AuditPageOut, AuditQuery
from hotline.core.api import bp
from hotline.core.openapi import operation
from hotline.core.permissions import READ_AUDIT, require
from hotline.core.validation import parse_query


@bp.get("/v1/audit")
@operation("The audit log, newest first, 100 entries a page: ask again with before=next_before for older ones",
           query=AuditQuery, response=AuditPageOut, returns="A page of entries")
@require(READ_AUDIT)
def audit_log():
    query = parse_query(AuditQuery, request.args)
    rows, next_before = log.audit_page(query)
    return jsonify(items=[log.entry_view(r) for r in rows], next_before=next_before)
