def test_healthz(client):
    assert client.get("/healthz").json == {
        "status": "ok", "database": "ok", "redis": "off", "scheduler": {"status": "off", "mode": "embedded"},
        "down": []}


def test_create_and_read_ticket(api, users):
    r = api("operator").post(
        "/api/v1/tickets",
        json={"category": "leak", "matter": "Water pouring from a main", "caller": {"phone": "138 0013 8000", "name": "Wang"}, "address": "1 Road"},
    )
    assert r.status_code == 201, r.json
    number = r.json["number"]
    r2 = api("operator").get(f"/api/v1/tickets/{number}")
    assert r2.json["caller"]["phone"] == "+8613800138000"
    r3 = api("dispatcher").get(f"/api/v1/tickets/{number}")
    assert r3.json["caller"]["masked"] is True
    r4 = api("operator").get("/api/v1/callers/+86-138-0013-8000/tickets")
    assert [t["number"] for t in r4.json["tickets"]] == [number]
