"""Read an org roster file: YAML or JSON (three lists), or CSV (one agent a row).

YAML / JSON::

    managers: [{manager_id: m-1, name: Maya Ortiz}]
    teams:    [{team_id: billing, name: Billing, manager_id: m-1}]
    agents:   [{agent_id: a-17, name: Ann Lee, team_id: billing,
                hire_date: 2026-02-01}]

CSV, with a header row; each row is an agent and names its team and the
team's manager, so a spreadsheet export from a workforce tool fits::

    agent_id,name,team_id,team_name,manager_id,manager_name,hire_date
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import msgspec
import yaml

from coachloop.errors import BadRequest
from coachloop.records import Roster

CSV_COLUMNS = (
    "agent_id",
    "name",
    "team_id",
    "team_name",
    "manager_id",
    "manager_name",
    "hire_date",
)


def read_roster(path: Path) -> Roster:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadRequest(f"cannot read roster {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadRequest(
            f"roster {path} is not UTF-8 text (save it as UTF-8 CSV or YAML)"
        ) from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text, str(path))
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise BadRequest(f"roster {path} is not YAML: {exc}") from None
    except ValueError as exc:  # e.g. a date like 2025-02-30
        raise BadRequest(f"roster {path} has an invalid value: {exc}") from None
    return _convert(raw or {}, str(path))


def parse_csv(text: str, where: str = "roster") -> Roster:
    reader = csv.DictReader(io.StringIO(text))
    header = tuple(reader.fieldnames or ())
    missing = [c for c in ("agent_id", "name") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise BadRequest(
            f"{where}: CSV header needs agent_id and name, and may have "
            f"{', '.join(CSV_COLUMNS)}; missing {missing}, unknown {unknown}"
        )
    managers: dict[str, dict[str, Any]] = {}
    teams: dict[str, dict[str, Any]] = {}
    agents: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise BadRequest(
                f"{where} line {line}: {len(row[None])} more cells than the header "
                "has columns"
            )
        cell = {k: (v or "").strip() for k, v in row.items()}
        team_id, manager_id = cell.get("team_id", ""), cell.get("manager_id", "")
        if manager_id:
            name = cell.get("manager_name") or manager_id
            manager = managers.setdefault(
                manager_id, {"manager_id": manager_id, "name": name}
            )
            if cell.get("manager_name") and manager["name"] != name:
                raise BadRequest(
                    f"{where} line {line}: manager {manager_id!r} is named "
                    f"{manager['name']!r} on an earlier line and {name!r} here"
                )
        if team_id:
            if not manager_id and team_id not in teams:
                raise BadRequest(
                    f"{where} line {line}: team {team_id!r} needs a manager_id"
                )
            team = teams.setdefault(
                team_id,
                {
                    "team_id": team_id,
                    "name": cell.get("team_name") or team_id,
                    "manager_id": manager_id,
                },
            )
            if manager_id and team["manager_id"] != manager_id:
                raise BadRequest(
                    f"{where} line {line}: team {team_id!r} has manager "
                    f"{team['manager_id']!r} on an earlier line and {manager_id!r} here"
                )
        agent: dict[str, Any] = {"agent_id": cell["agent_id"], "name": cell["name"]}
        if team_id:
            agent["team_id"] = team_id
        if cell.get("hire_date"):
            agent["hire_date"] = cell["hire_date"]
        agents.append(agent)
    raw = {
        "managers": list(managers.values()),
        "teams": list(teams.values()),
        "agents": agents,
    }
    return _convert(raw, where)


def _convert(raw: Any, where: str) -> Roster:
    try:
        # YAML reads 2026-02-01 as a date already; strict=False lets a CSV's
        # text dates through the same field.
        return msgspec.convert(raw, Roster, strict=False)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"invalid roster {where}: {exc}") from None
