"""Routing rules (pure): the project's place before the complaint's region, the town before its county, the grid's
inspector or — while away — the deputy, and the regional queue otherwise."""

from __future__ import annotations

from models.case import CaseIntake
from models.routing import Grid, RoutingRule
from rules.routing import places, route
from tests.builders import intake_body

GRID = Grid(
    grid_id="G1", name="小店一网格", inspector_id="u_a", inspector_name="insp_a", deputy_id="u_b", deputy_name="insp_b"
)
TOWN = Grid(grid_id="G2", name="坞城街道网格", inspector_id="u_c", inspector_name="insp_c")


def test_the_projects_place_comes_first() -> None:
    body = intake_body()
    body["project"]["area_code"] = "140106002"
    assert places(CaseIntake.model_validate(body)) == ["140106002", "140106", "140105"]
    body["project"]["area_code"] = "140105"
    assert places(CaseIntake.model_validate(body)) == ["140105"]
    del body["project"]
    assert places(CaseIntake.model_validate(body)) == ["140105"]


def test_the_most_specific_grid_decides() -> None:
    routed = route(["140105002", "140105"], {"140105": GRID, "140105002": TOWN}, set())
    assert (routed.rule, routed.assignee, routed.grid_id, routed.place) == (RoutingRule.GRID, "u_c", "G2", "140105002")
    assert "坞城街道网格" in routed.explanation and "insp_c" in routed.explanation


def test_the_deputy_while_the_inspector_is_away_then_the_queue() -> None:
    assert route(["140105"], {"140105": GRID}, set()).assignee == "u_a"
    deputy = route(["140105"], {"140105": GRID}, {"u_a"})
    assert (deputy.rule, deputy.assignee) == (RoutingRule.DEPUTY, "u_b") and "不在岗" in deputy.explanation
    nobody = route(["140105"], {"140105": GRID}, {"u_a", "u_b"})
    assert (nobody.rule, nobody.assignee) == (RoutingRule.QUEUE, None)
    no_deputy = route(["140105002"], {"140105002": TOWN}, {"u_c"})
    assert no_deputy.assignee is None


def test_outside_every_grid_goes_to_the_queue() -> None:
    routed = route(["140107", "140105"], {}, set())
    assert (routed.rule, routed.assignee, routed.grid_id) == (RoutingRule.QUEUE, None, None)
    assert "待分派队列" in routed.explanation
