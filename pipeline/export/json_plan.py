"""Plan JSON (sohoa.plan/1): serialise, validate against the shipped schema, write atomically."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..errors import BadPlanError
from ..model import PLAN_SCHEMA, Plan
from ..resources import schema_path
from .atomic import write_text


@lru_cache(maxsize=1)
def plan_schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def validation_errors(data: dict) -> list[str]:
    """Every way `data` breaks the sohoa.plan/1 schema ([] when it is valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(plan_schema())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]


def plan_json(plan: Plan) -> str:
    data = plan.to_dict()
    errors = validation_errors(data)
    if errors:  # a bug in sohoa, not in the input: never write an invalid plan
        raise AssertionError("plan does not validate against its schema: " + "; ".join(errors[:5]))
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_plan_json(plan: Plan, dest: str | Path) -> Path:
    return write_text(dest, plan_json(plan))


def read_plan_json(path: str | Path) -> Plan:
    """Load a plan written by `sohoa process`; a clear error when the file is something else."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BadPlanError(f"is not a readable plan JSON ({e})", path=path,
                           hint="give a .json written by `sohoa process`, or the source document") from None
    if not isinstance(data, dict) or data.get("schema") != PLAN_SCHEMA:
        raise BadPlanError(f"is JSON but not a {PLAN_SCHEMA} plan", path=path,
                           hint="give a .json written by `sohoa process`, or the source document")
    return Plan.from_dict(data)
