"""The names of roles."""
from flask_babel import lazy_gettext as _l

from hotline.core.labels import define
from hotline.core.permissions import Role

ROLE = {
    Role.OPERATOR: _l("Operator"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
    Role.CREW: _l("Field crew"),
    Role.BOARD: _l("Wall board"),
}
define("role", ROLE)
