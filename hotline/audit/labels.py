"""The audit log's words: each action code in words (`audit_action_label(code)` in
templates). A code without words shows as itself."""
from flask_babel import lazy_gettext as _l

from hotline.core.labels import define

AUDIT_ACTION = define("audit_action", {
    "auth.sign_in": _l("Signed in"),
    "auth.sign_in_failed": _l("Sign-in failed"),
    "auth.sign_out": _l("Signed out"),
    "user.create": _l("User created"),
    "user.update": _l("User changed"),
    "user.deactivate": _l("User deactivated"),
    "user.reactivate": _l("User reactivated"),
    "user.password_reset": _l("Password reset"),
    "user.password_change": _l("Password changed"),
    "token.create": _l("Token created"),
    "token.revoke": _l("Token revoked"),
    "unit.create": _l("Unit created"),
    "unit.update": _l("Unit changed"),
    "unit.move": _l("Unit moved"),
    "unit.deactivate": _l("Unit deactivated"),
    "unit.reactivate": _l("Unit reactivated"),
    "routing.create": _l("Routing rule created"),
    "routing.update": _l("Routing rule changed"),
    "routing.delete": _l("Routing rule deleted"),
    "category.create": _l("Category created"),
    "category.update": _l("Category changed"),
    "caller.reveal": _l("Confidential caller revealed"),
    "ticket.phone_search": _l("Tickets searched by phone number"),
    "sla.extension_decide": _l("Extension decided"),
    "roster.request_decide": _l("Shift request decided"),
    "roster.double_shift_decide": _l("Double shift (连班) decided"),
    "settings.create": _l("Setting added"),
    "settings.update": _l("Settings changed"),
    "settings.delete": _l("Setting removed"),
    "audit.export": _l("Audit log exported"),
})
