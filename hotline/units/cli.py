"""`flask units list` and `flask units create`: the unit tree from a script (a new
center's first set-up), through the same service as the pages and the API."""
import click
from flask.cli import AppGroup

from hotline.core.errors import DomainError, ValidationFailed
from hotline.core.extensions import db
from hotline.core.validation import parse
from hotline.units import admin
from hotline.units.models import UnitKind
from hotline.units.schemas import UnitIn

# AppGroup, not click.Group: its commands run inside the app context.
group = AppGroup("units", help="The unit tree: the center, branches, crews, offices.")


def _refusal(exc: DomainError) -> click.ClickException:
    if isinstance(exc, ValidationFailed):
        return click.ClickException("; ".join(f"{path}: {text}" for path, text in exc.fields.items()))
    return click.ClickException(exc.message)


@group.command("list")
@click.option("--inactive", is_flag=True, help="deactivated units too")
def list_command(inactive):
    """The tree, one unit a line, indented under its parent."""
    for unit, depth in admin.tree(include_inactive=inactive):
        flags = [] if unit.active else ["inactive"]
        if not unit.takes_work_orders:
            flags.append("no work orders")
        areas = ",".join(a.name for a in unit.areas)
        click.echo("\t".join([
            "  " * depth + unit.code, unit.kind.value, unit.name, unit.phone or "", unit.on_call_phone or "",
            areas, " ".join(flags),
        ]).rstrip())


@group.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice([k.value for k in UnitKind]), required=True)
@click.option("--parent", help="the parent unit's code (every unit but the center has one)")
@click.option("--phone")
@click.option("--on-call-phone", help="值班电话")
@click.option("--area", "areas", multiple=True, help="an area it serves (repeat for several)")
@click.option("--work-orders/--no-work-orders", "takes_work_orders", default=True, show_default=True,
              help="whether work orders may be sent to it")
def create_command(code, name, kind, parent, phone, on_call_phone, areas, takes_work_orders):
    """Add a unit under its parent."""
    raw = {"code": code, "name": name, "kind": kind, "parent": parent, "phone": phone,
           "on_call_phone": on_call_phone, "areas": list(areas), "takes_work_orders": takes_work_orders}
    try:
        unit = admin.create_unit(parse(UnitIn, raw))
    except DomainError as exc:
        db.session.rollback()
        raise _refusal(exc) from None
    db.session.commit()
    click.echo(f"created {unit.kind.value} {unit.code} (id {unit.id})" + (f" under {parent}" if parent else ""))
