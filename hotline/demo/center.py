"""The demo center's organisation: its units (branches and their crews, offices) and
its staff with their public demo passwords, and the logins table printed at start."""

from pathlib import Path

from flask import current_app

from dispatch.routing.services import create_rule
from dispatch.schemas import RoutingRuleIn
from hotline.sla.settings.schemas import AreaIn
from hotline.sla.settings.services import create_area
from hotline.units.admin import create_unit
from hotline.units.models import Unit, UnitKind
from hotline.units.schemas import UnitIn
from hotline.users import admin
from hotline.users.models import Role, User
from hotline.users.schemas import UserCreate

LOGINS_FILE = "demo-logins.txt"

BRANCHES = [
    ("east", "城东供水分公司", ["东湖区", "经开区"], "027-85501101"),
    ("west", "城西供水分公司", ["西城区", "汉阳区"], "027-84402202"),
    ("south", "城南供水分公司", ["南岸区", "洪山区"], "027-87703303"),
    ("north", "城北供水分公司", ["北湖区", "高新区"], "027-86604404"),
]
STAFF = [  # username, role, display name, unit code
    ("op1", Role.OPERATOR, "刘晓燕", "center"),
    ("op2", Role.OPERATOR, "陈静", "center"),
    ("op3", Role.OPERATOR, "王丽娟", "center"),
    ("op4", Role.OPERATOR, "赵敏", "center"),
    ("disp1", Role.DISPATCHER, "孙建国", "center"),
    ("disp2", Role.DISPATCHER, "周海涛", "center"),
    ("lead1", Role.SUPERVISOR, "吴桂英", "center"),
    ("lead2", Role.SUPERVISOR, "郑志强", "center"),
    ("manager", Role.MANAGER, "冯卫东", "center"),
    ("admin", Role.ADMIN, "系统管理员", "center"),
    ("board", Role.BOARD, "调度大屏", "center"),
]
PASSWORDS = {  # one memorable password per demo account
    Role.OPERATOR: "jiexian", Role.DISPATCHER: "diaodu", Role.SUPERVISOR: "zhiban", Role.MANAGER: "zhuren",
    Role.ADMIN: "guanli", Role.CREW: "qiangxiu", Role.BOARD: "daping",
}


def demo_password(username: str, role: Role) -> str:
    return f"{PASSWORDS[role]}-{username}"


def _unit(**fields) -> Unit:
    return create_unit(UnitIn(**fields))


def make_units() -> dict[str, Unit]:
    """Through the admin service, as an admin would: the districts as areas, each branch
    serving its own. The center takes work orders too: supervision tickets (督办) stay with it."""
    for _code, _name, districts, _phone in BRANCHES:
        for district in districts:
            create_area(AreaIn(name=district))
    center = _unit(code="center", name="江城水务96116热线中心", kind=UnitKind.CENTER, phone="96116")
    units = {"center": center}
    for code, name, districts, phone in BRANCHES:
        units[code] = _unit(code=code, name=name, kind=UnitKind.BRANCH, parent="center", phone=phone,
                            on_call_phone=phone[:-2] + "00", areas=districts)
        for n in (1, 2):
            units[f"{code}-crew-{n}"] = _unit(
                code=f"{code}-crew-{n}", name=f"{name[:2]}抢修{'一二'[n - 1]}班",
                kind=UnitKind.CREW, parent=code, areas=districts,
            )
    for code, name, kind in [
        ("complaint-office", "客户投诉办公室（投诉办）", UnitKind.OFFICE),
        ("enforcement", "用水稽查大队（稽查队）", UnitKind.ENFORCEMENT),
        ("press-office", "新闻发言人办公室", UnitKind.SPOKESPERSON),
    ]:
        units[code] = _unit(code=code, name=name, kind=kind, parent="center")
    return units


def make_routing_rules() -> int:
    """The rules an admin sets on /settings/routing before going live: leaks and repairs
    to the branch serving the district, complaints to the complaint office, water theft
    to the enforcement team, the press to the press office. Made after the demo's history
    (those tickets were dispatched by hand), so they route only what comes in from now."""
    rules = [("complaint", None, "complaint-office"), ("theft_report", None, "enforcement"), ("media", None, "press-office")]
    for code, _name, districts, _phone in BRANCHES:
        rules += [(category, district, code) for district in districts for category in ("leak", "repair")]
    for category, area, unit in rules:
        create_rule(RoutingRuleIn(category=category, area=area, unit=unit))
    return len(rules)


def make_users(units: dict[str, Unit]) -> list[tuple[User, str]]:
    staff = list(STAFF)
    crew_names = iter(["黄师傅", "马师傅", "胡师傅", "林师傅", "何师傅", "罗师傅", "梁师傅", "谢师傅"])
    for code, *_ in BRANCHES:
        for n in (1, 2):
            staff.append((f"{code}{n}", Role.CREW, next(crew_names), f"{code}-crew-{n}"))
    made = []
    for username, role, name, unit in staff:
        # Through the admin service (audited like any new user), with the demo's published
        # passwords: chosen here, so neither temporary nor held to the strength rule.
        data = UserCreate(username=username, display_name=name, role=role, unit=units[unit].code)
        user, password = admin.create_user(data, demo_password(username, role), must_change=False, check=False)
        made.append((user, password))
    return made


def logins_file() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / LOGINS_FILE


def logins_table(logins: list[tuple[User, str]]) -> list[str]:
    lines = [f"{'username':<10} {'role':<11} {'password':<20} name", "-" * 56]
    for user, password in logins:
        lines.append(f"{user.username:<10} {user.role.value:<11} {password:<20} {user.display_name}")
    return lines

