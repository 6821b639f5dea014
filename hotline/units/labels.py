"""The names of unit kinds."""
from flask_babel import lazy_gettext as _l

from hotline.core.labels import define
from hotline.units.models import UnitKind

UNIT_KIND = {
    UnitKind.CENTER: _l("Center"),
    UnitKind.BRANCH: _l("Branch company"),
    UnitKind.CREW: _l("Crew"),
    UnitKind.OFFICE: _l("Office"),
    UnitKind.ENFORCEMENT: _l("Enforcement team"),
    UnitKind.SPOKESPERSON: _l("Press office"),
    UnitKind.DEPARTMENT: _l("Department"),
}
define("unit_kind", UNIT_KIND)
