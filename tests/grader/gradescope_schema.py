"""The schema of Gradescope's results.json, as a Python dict, and a small
JSON-schema-like checker for it (the standard library has no JSON Schema).

Source: Gradescope's "Autograder Specifications" page,
https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output
format", "Test case status", "Output String Formatting", "Leaderboards"):
top level score (required when the tests carry no score), execution_time
(seconds), output, output_format, test_output_format, test_name_format,
visibility, stdout_visibility, extra_data, tests[] (score, max_score, status,
name, name_format, number, output, output_format, tags, visibility,
extra_data) and leaderboard[] (name, value, order "asc"/"desc"). Formats:
text, html, simple_format, md, ansi. Visibility: hidden, after_due_date,
after_published, visible. Status: passed, failed.

Keys outside the documented ones are refused here (additionalProperties:
False), so that a typo in a writer fails the test instead of being ignored
by Gradescope. The keys our writer always emits are marked required.
"""
from __future__ import annotations

from typing import Any

FORMATS = ["text", "html", "simple_format", "md", "ansi"]
VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
NUMBER = ["number"]

TEST = {
    "type": "object",
    "required": ["name", "number", "score", "max_score", "status", "output",
                 "output_format", "visibility", "tags"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "max_score": {"type": "number", "minimum": 0},
        "status": {"type": "string", "enum": ["passed", "failed"]},
        "name": {"type": "string", "minLength": 1},
        "name_format": {"type": "string", "enum": FORMATS},
        "number": {"type": "string"},
        "output": {"type": "string"},
        "output_format": {"type": "string", "enum": FORMATS},
        "tags": {"type": "array", "items": {"type": "string"}},
        "visibility": {"type": "string", "enum": VISIBILITY},
        "extra_data": {"type": "object"},
    },
}

LEADERBOARD_ENTRY = {
    "type": "object",
    "required": ["name", "value"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "value": {"type": ["number", "string"]},
        "order": {"type": "string", "enum": ["asc", "desc"]},
    },
}

RESULTS = {
    "type": "object",
    "required": ["score", "output", "output_format", "visibility", "stdout_visibility",
                 "tests", "leaderboard"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": {"type": "string", "enum": FORMATS},
        "test_output_format": {"type": "string", "enum": FORMATS},
        "test_name_format": {"type": "string", "enum": FORMATS},
        "visibility": {"type": "string", "enum": VISIBILITY},
        "stdout_visibility": {"type": "string", "enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": TEST},
        "leaderboard": {"type": "array", "items": LEADERBOARD_ENTRY},
    },
}

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(value: Any, schema: dict[str, Any] = RESULTS, where: str = "$") -> list[str]:
    """The list of violations of schema by value (empty when it conforms)."""
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        tl = types if isinstance(types, list) else [types]
        if not any(_TYPES[t](value) for t in tl):
            return [f"{where}: expected {' or '.join(tl)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        errors.append(f"{where}: {value} < {schema['minimum']}")
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        errors.append(f"{where}: shorter than {schema['minLength']}")
    if isinstance(value, dict):
        for k in schema.get("required", []):
            if k not in value:
                errors.append(f"{where}: missing required key {k!r}")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                errors += validate(v, props[k], f"{where}.{k}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unknown key {k!r}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            errors += validate(v, schema["items"], f"{where}[{i}]")
    return errors
