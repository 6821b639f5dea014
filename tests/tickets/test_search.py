"""The search box finds each kind of thing through its own index (hotline/tickets/fulltext.py,
migration 0022_search): Chinese words of the matter and the address as substrings (2, 3, 4+
characters), a phone in any spelling or a part of it, a landline without its area code, the
caller's name, a fragment of the ticket number. The index follows every change of a
ticket (triggers on SQLite), the caller's identity is found only where the searcher sees it
in full, totals are capped. Correctness only: the timings are bench/scale.py's."""
import pytest

from hotline.core.extensions import db
from hotline.tickets import access, fulltext
from hotline.tickets.models import Ticket
from hotline.users.models import Role
from hotline.users.services import create_token, create_user


@pytest.fixture
def made(app, new_ticket):
    """Four tickets with different callers, addresses and matters."""
    app.config["HOTLINE_AREA_CODE"] = "27"
    t = {
        "leak": new_ticket(category="leak", matter="水表井里全是水，表前阀门那里在漏水",
                           caller={"phone": "13912345678", "name": "王建华"},
                           address="东湖区珞喻路12号翠湖苑3栋"),
        "hydrant": new_ticket(category="leak", matter="路边的消防栓被车撞了，水柱冲得老高",
                              caller={"phone": "027-8550-1101", "name": "李女士"},
                              address="汉阳区鹦鹉大道88号"),
        "bill": new_ticket(category="billing", matter="请问阶梯水价是怎么算的",
                           caller={"phone": "13800138000", "name": "欧阳明华"},
                           address="洪山区雄楚大道7号桂花园"),
        "web": new_ticket(channel="web", category="consultation", matter="水费可以在手机上交吗"),
    }
    return {k: v.number for k, v in t.items()}


def _found(api, q: str, role: str = "supervisor") -> set[str]:
    r = api(role).get("/api/v1/tickets", query_string={"q": q})
    assert r.status_code == 200, r.get_json()
    return {t["number"] for t in r.get_json()["items"]}


@pytest.mark.parametrize("q, kinds", [
    ("漏水", {"leak"}),  # two characters: under the trigram's three
    ("水", {"leak", "hydrant", "bill", "web"}),
    ("消防栓", {"hydrant"}),  # three
    ("水表井里", {"leak"}),  # four and more
    ("阶梯水价是怎么算", {"bill"}),
    ("翠湖苑", {"leak"}),  # the address
    ("鹦鹉大道", {"hydrant"}),
    ("珞喻路 翠湖苑", {"leak"}),  # every word
    ("珞喻路 桂花园", set()),
    ("表前 阀门", {"leak"}),  # two short words: both
    ("不存在的词", set()),
])
def test_words_of_the_matter_and_address_as_substrings(api, made, q, kinds):
    assert _found(api, q) == {made[k] for k in kinds}


@pytest.mark.parametrize("q, kind", [
    ("13912345678", "leak"),
    ("+86 139 1234 5678", "leak"),
    ("139-1234-5678", "leak"),
    ("+8613912345678", "leak"),
    ("5678", "leak"),  # the last digits
    ("1234 5678", "leak"),
    ("8550 1101", "hydrant"),  # a landline without its area code
    ("85501101", "hydrant"),
    ("027-85501101", "hydrant"),
    ("02785501101", "hydrant"),
    ("0138000", "bill"),  # a part, in the middle
])
def test_phone_in_any_spelling_or_a_part(api, made, q, kind):
    assert _found(api, q) == {made[kind]}


@pytest.mark.parametrize("q, kind", [
    ("王建华", "leak"), ("王建", "leak"), ("李女士", "hydrant"), ("欧阳", "bill"), ("阳明华", "bill"),
])
def test_caller_name(api, made, q, kind):
    assert _found(api, q) == {made[kind]}


def test_number_and_a_fragment_of_it(api, made):
    number = made["hydrant"]  # 20261129-0002
    for q in (number, number[:10], number[-6:], number[-4:], number[4:12]):
        assert made["hydrant"] in _found(api, q), q
    assert _found(api, number) == {number}


def test_the_index_follows_each_change(app, api, made, ctx):
    """SQLite's FTS tables are kept by triggers (an insert, and an update of each searched
    column: the number itself changes from provisional to real at intake); on PostgreSQL
    the GIN indexes follow by themselves."""
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == made["bill"]))
    ticket.address, ticket.matter, ticket.caller_name = "江汉区解放大道1号", "水压特别低", "赵德明"
    db.session.commit()
    assert _found(api, "桂花园") == set() and _found(api, "解放大道") == {made["bill"]}
    assert _found(api, "阶梯水价") == set() and _found(api, "水压特别低") == {made["bill"]}
    assert _found(api, "欧阳明华") == set() and _found(api, "赵德明") == {made["bill"]}
    if db.engine.dialect.name == "sqlite":  # the FTS index agrees with the table, row for row
        db.session.execute(db.text("INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('integrity-check', 1)"))
        db.session.execute(db.text("INSERT INTO caller_fts(caller_fts, rank) VALUES ('integrity-check', 1)"))


def test_a_confidential_callers_identity_finds_nothing_for_others(app, api, made, new_ticket, ctx):
    secret = new_ticket(confidential=True, matter="邻居家漏水到我家天花板",
                        caller={"phone": "13600001111", "name": "周秘密"}, address="东湖区秘密路1号")
    other = create_user("operator2", "pw", Role.OPERATOR)
    _, token = create_token(other, "t")
    db.session.commit()
    for q in ("13600001111", "0001111", "周秘密", "周秘", "秘密路"):
        assert secret.number in _found(api, q, "operator"), q  # the operator who took it
        for role in ("supervisor", "dispatcher", "manager"):
            assert secret.number not in _found(api, q, role), (q, role)
        r = app.test_client().get("/api/v1/tickets", query_string={"q": q},
                                  headers={"Authorization": f"Bearer {token}"})
        assert secret.number not in {t["number"] for t in r.get_json()["items"]}, q


def test_short_words_only_in_the_newest_tickets_and_said_so(api, made, monkeypatch):
    monkeypatch.setattr(fulltext, "RECENT_WINDOW", 2)  # the two newest: bill and web
    body = api("supervisor").get("/api/v1/tickets?q=漏水").get_json()
    assert body["items"] == [] and body["recent_only"] is True
    body = api("supervisor").get("/api/v1/tickets?q=表前阀门").get_json()
    assert [t["number"] for t in body["items"]] == [made["leak"]] and body["recent_only"] is False
    assert _found(api, "王建") == {made["leak"]}  # a name's beginning: indexed, every ticket


def test_totals_are_capped(api, made, monkeypatch, session_client):
    monkeypatch.setattr(access, "COUNT_CAP", 2)
    body = api("supervisor").get("/api/v1/tickets?per_page=1").get_json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (2, True, 1)
    body = api("supervisor").get("/api/v1/tickets?q=消防栓").get_json()
    assert (body["total"], body["total_capped"]) == (1, False)
    client, _ = session_client("supervisor")
    page = client.get("/tickets?per_page=1").get_data(as_text=True)
    assert "data-total-capped" in page and 'rel="next"' in page


def test_searched_newest_first_in_stages_finds_the_same(api, made, monkeypatch):
    """PostgreSQL looks in the newest tickets first, then further back (fulltext.id_ranges)."""
    every = {made[k] for k in ("leak", "hydrant", "bill", "web")}
    monkeypatch.setattr(fulltext, "STAGES", (1, 2))
    assert _found(api, "水") == every and _found(api, "13912345678") == {made["leak"]}
    monkeypatch.setattr(fulltext, "FEW_FURTHER_BACK", 10**9)  # after the newest window, all the rest at once
    assert _found(api, "水") == every and _found(api, "王建华") == {made["leak"]}
    monkeypatch.setattr(access, "SEARCH_CAP", 1)
    monkeypatch.setattr("hotline.tickets.services.SEARCH_CAP", 1)
    body = api("supervisor").get("/api/v1/tickets", query_string={"q": "水"}).get_json()
    assert body["total_capped"] is True and [t["number"] for t in body["items"]] == [made["web"], made["bill"]]


def test_digits_are_a_number_or_a_phone_not_words(api, made, new_ticket):
    """Digits and phone punctuation alone find the caller's phone and the ticket's number,
    not the same digits in another ticket's matter or address."""
    quoting = new_ticket(matter="来电人说邻居13912345678家的水表在漏水，表号20261129-0002",
                         caller={"phone": "13700001234", "name": "张三"}, address="东湖区13912345678号")
    for q in ("13912345678", "+86 139 1234 5678", "2345678"):
        assert _found(api, q) == {made["leak"]}, q
    assert _found(api, "13700001234") == {quoting.number}
    assert _found(api, made["hydrant"]) == {made["hydrant"]}
    assert _found(api, made["hydrant"][4:]) == {made["hydrant"]}  # a fragment: by the number only


def test_a_whole_date_finds_the_days_tickets(api, made):
    day = made["leak"][:8]  # all four were taken on one day
    every = {made[k] for k in ("leak", "hydrant", "bill", "web")}
    assert _found(api, day) == every and _found(api, day + "-") == every
    assert _found(api, day[2:]) == every  # not the whole date: a substring


def test_postgresql_plans_each_statement_for_its_values(app):
    """psycopg prepares no statement (a prepared one gets a generic plan after 5 runs,
    which walks the whole table for a search)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        assert db.session.connection().connection.dbapi_connection.prepare_threshold is None


def test_postgresql_plans_for_solid_state_storage(app):
    """A random read costs the planner about as much as a sequential one (core/orm.py), on
    every connection, also after a transaction that was rolled back."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
        db.session.rollback()
        assert db.session.execute(db.text("SHOW random_page_cost")).scalar() == "1.1"
