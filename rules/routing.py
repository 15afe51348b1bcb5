"""Routing a complaint to its inspector (issue 13): pure — the grids that cover the place and who is away are
looked up by the caller (the API, before the workflow starts)."""

from __future__ import annotations

from collections.abc import Mapping, Set

from models.case import CaseIntake
from models.routing import Grid, Routing, RoutingRule


def places(intake: CaseIntake) -> list[str]:
    """The codes to look grids up by, most specific first: the project's own place (a town of 9 digits, then its
    county), then the complaint's region."""
    found: list[str] = []
    area = intake.project.area_code if intake.project else None
    if area:
        found.append(area)
        if len(area) == 9:
            found.append(area[:6])
    if intake.region_code not in found:
        found.append(intake.region_code)
    return found


def route(codes: list[str], grids: Mapping[str, Grid], away: Set[str]) -> Routing:
    """The first code a grid covers decides: its inspector, or the deputy while the inspector is away; none, or
    nobody available, goes to the regional queue."""
    for code in codes:
        grid = grids.get(code)
        if grid is None:
            continue
        where = f"{'项目所在地' if code != codes[-1] else '投诉登记的行政区划'} {code} 属于网格“{grid.name}”"
        if grid.inspector_id not in away:
            return Routing(
                rule=RoutingRule.GRID,
                assignee=grid.inspector_id,
                grid_id=grid.grid_id,
                place=code,
                explanation=f"{where}，分派给其负责监察员 {grid.inspector_name}",
            )
        if grid.deputy_id is not None and grid.deputy_id not in away:
            return Routing(
                rule=RoutingRule.DEPUTY,
                assignee=grid.deputy_id,
                grid_id=grid.grid_id,
                place=code,
                explanation=f"{where}，负责监察员 {grid.inspector_name} 不在岗，分派给代理监察员 {grid.deputy_name}",
            )
        return Routing(
            rule=RoutingRule.QUEUE,
            assignee=None,
            grid_id=grid.grid_id,
            place=code,
            explanation=f"{where}，负责监察员和代理监察员均不在岗，转入本辖区待分派队列",
        )
    return Routing(
        rule=RoutingRule.QUEUE,
        assignee=None,
        place=codes[0],
        explanation=f"{codes[0]} 不在任何已配置的网格内，转入本辖区待分派队列，由科室负责人分派",
    )
