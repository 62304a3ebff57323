"""Two web desks behind a proxy share one PostgreSQL database (the journal's): the same accounts, the same
runs, one store's dispatches one at a time, and neither desk mistakes the other's running runs for its own."""

from __future__ import annotations

from pathlib import Path

from batchship.apps.web.runs import Runs
from tests.conftest import order_id, orders_sheet
from tests.deskkit import desk_client, login, running_run, settings_for, upload, wait_done


def test_two_desks_on_one_database_serve_one_team(tmp_path: Path, postgres_url: str) -> None:
    one = settings_for(tmp_path / "one", journal=postgres_url)
    two = settings_for(tmp_path / "two", journal=postgres_url)
    sheet = orders_sheet(tmp_path / "s.xlsx", 6)
    with desk_client(one) as first, desk_client(two, users=False) as second:
        run = wait_done(first, upload(first, sheet, login(first, "dan"), mode="dispatch").json()["id"])
        assert run["report"]["counts"]["SUCCESS"] == 6
        csrf = login(second, "dan")  # the account lives in the database, not beside one desk
        assert run["id"] in [r["id"] for r in second.get("/api/v1/runs").json()["runs"]]
        assert second.get(f"/api/v1/runs/{run['id']}").json()["report"]["rows"] == 6
        check = wait_done(second, upload(second, sheet, csrf).json()["id"])
        assert check["report"]["counts"]["ALREADY_DISPATCHED"] == 6  # the journal is shared
        attempts = second.get(f"/api/v1/orders/{order_id(4)}").json()["attempts"]
        assert [a["state"] for a in attempts] == ["success"]
        assert "s.xlsx" in second.get("/history").text
    going = running_run("r-one")
    desk_one = Runs(one)
    desk_one.store.add(going)
    desk_one.close()
    desk_two = Runs(two)  # the other desk restarting leaves desk one's run alone
    still = desk_two.store.get("r-one")
    assert still is not None and still.status == "running"
    desk_two.close()
    desk_one = Runs(one)  # desk one restarting: its own run was cut short, and says so
    found = desk_one.store.get("r-one")
    assert found is not None and found.status == "failed" and found.error_key == "desk.interrupted"
    desk_one.close()
