"""An agent's weekly series: overall score, or one criterion's level."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from coachloop.errors import BadRequest
from coachloop.records import TrendOut, TrendPoint
from coachloop.store._org import get_agent
from coachloop.store._plans import criterion_calls
from coachloop.store._tables import Call, CriterionRow, from_db


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def trend(s: Session, agent_id: str, criterion_id: str | None) -> TrendOut:
    """One point per call-time week (Monday, UTC), empty weeks included."""
    get_agent(s, agent_id)
    calls = s.execute(
        sa.select(Call.started_at, Call.score).where(Call.agent_id == agent_id)
    ).all()
    weeks: dict[date, dict[str, list[float]]] = {}
    for started, score in calls:
        bucket = weeks.setdefault(_monday(from_db(started).date()), _empty())
        bucket["calls"].append(1)
        if score is not None:
            bucket["scores"].append(score)
    if criterion_id is not None:
        known = s.scalar(
            sa.select(CriterionRow.id)
            .where(CriterionRow.criterion_id == criterion_id)
            .limit(1)
        )
        if known is None:
            raise BadRequest(
                f"criterion {criterion_id!r} has no results on any stored call"
            )
        for row in criterion_calls(s, [agent_id], criterion_id):
            bucket = weeks.setdefault(_monday(row.started_at.date()), _empty())
            if row.judged:
                bucket["percent"].append(row.percent)
                bucket["met"].append(1.0 if row.status == "met" else 0.0)
    points = []
    if weeks:
        week, last = min(weeks), max(weeks)
        while week <= last:
            b = weeks.get(week, _empty())
            judged = len(b["met"])
            points.append(
                TrendPoint(
                    week_start=week,
                    calls=len(b["calls"]),
                    judged=judged,
                    met=int(sum(b["met"])),
                    met_rate=round(sum(b["met"]) / judged, 4) if judged else None,
                    mean_percent=_mean(b["percent"]),
                    mean_score=_mean(b["scores"]),
                )
            )
            week += timedelta(days=7)
    return TrendOut(agent_id=agent_id, criterion_id=criterion_id, weeks=points)


def _empty() -> dict[str, list[float]]:
    return {"calls": [], "scores": [], "percent": [], "met": []}


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
