"""GitHub's OpenAPI description (the subset in ../shared/reference/github), as validators.

``rest-subset.openapi.json`` beside this file is a verbatim copy of
``../shared/reference/github/rest-subset.openapi.json`` (GitHub's description, MIT, cut from
``@octokit/openapi`` 23.0.2), so the fake also works where ``../shared`` is absent (a
GitHub-hosted runner); ``test_github_fake.py`` keeps the copy identical when both exist.

Every request the fake receives is matched to an operation and checked: path parameters,
query parameters (an undeclared one is an error), and the JSON body against the
operation's request schema. Every answer the fake gives is checked against the response
schema too, so the fake cannot drift from GitHub's shapes.

OpenAPI 3.0 ``nullable: true`` is translated for JSON Schema as the reference README says:
``"type": "string"`` → ``["string", "null"]``, ``null`` added to an ``enum``, a type-less
schema wrapped as ``anyOf: [schema, {"type": "null"}]``.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).with_name("rest-subset.openapi.json")
_BASE = "urn:github-openapi"
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")


def translate(schema: Any) -> Any:
    """An OpenAPI 3.0 schema as a JSON Schema (``nullable`` made explicit)."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: translate(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [translate(sub) for sub in value]
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = translate(value)
        elif key in ("nullable", "example", "examples", "discriminator", "xml"):
            continue
        elif key == "$ref" and isinstance(value, str) and value.startswith("#/"):
            out[key] = _BASE + value
        else:
            out[key] = value
    if schema.get("nullable") is True:
        if "type" in out:
            kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = [*kinds, "null"] if "null" not in kinds else kinds
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    literals: int
    parameters: Mapping[tuple[str, str], dict[str, Any]]
    """(in, name) → parameter object (schema translated)."""
    body_schema: dict[str, Any] | None
    body_required: bool
    responses: Mapping[str, dict[str, Any] | None]
    """status → translated schema of the JSON answer (None: no body)."""


@functools.cache
def load_spec() -> Spec:
    """The spec, parsed once per test session (it is read-only afterwards)."""
    return Spec()


class Spec:
    """The operations of the subset, and validators built from them."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: GitHub's OpenAPI subset is missing")
        document = json.loads(path.read_text(encoding="utf-8"))
        components = {
            "schemas": {
                name: translate(schema)
                for name, schema in document["components"]["schemas"].items()
            }
        }
        self.examples: dict[str, Any] = {
            name: value["value"] for name, value in document["components"]["examples"].items()
        }
        root = {"$id": _BASE, "components": components}
        self._registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(root, default_specification=DRAFT202012)
        )
        self._validators: dict[str, Draft202012Validator] = {}
        self.operations: list[Operation] = []
        for template, item in document["paths"].items():
            for method, op in item.items():
                if method == "parameters":
                    continue
                self.operations.append(_operation(template, method.upper(), op))

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for ``method path`` (most literal template first) and its params."""
        found = [
            (op, m.groupdict())
            for op in self.operations
            if op.method == method and (m := op.pattern.fullmatch(path))
        ]
        if not found:
            return None
        return max(found, key=lambda pair: pair[0].literals)

    def templates_for(self, path: str) -> list[str]:
        return [op.method for op in self.operations if op.pattern.fullmatch(path)]

    def validate_request(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, str],
        query: Mapping[str, list[str]],
        body: Any,
        has_body: bool,
    ) -> list[str]:
        """Every problem of a request (empty when valid)."""
        problems: list[str] = []
        for name, raw in path_params.items():
            param = op.parameters.get(("path", name))
            if param is None:
                problems.append(f"path parameter {name} is not declared")
                continue
            problems += _check_value(f"path parameter {name}", raw, param.get("schema", {}))
        for name, values in query.items():
            param = op.parameters.get(("query", name))
            if param is None:
                problems.append(f"query parameter {name!r} is not declared for {op.operation_id}")
                continue
            if len(values) != 1:
                problems.append(f"query parameter {name!r} given {len(values)} times")
                continue
            problems += _check_value(f"query parameter {name}", values[0], param["schema"])
        for (where, name), param in op.parameters.items():
            if where == "query" and param.get("required") and name not in query:
                problems.append(f"required query parameter {name!r} missing")
        if op.body_schema is None:
            if has_body:
                problems.append(f"{op.operation_id} takes no request body")
        elif not has_body:
            if op.body_required:
                problems.append(f"{op.operation_id} needs a JSON body")
        else:
            problems += self._errors(op.body_schema, body, "request body")
        return problems

    def validate_response(self, op: Operation, status: int, data: Any) -> list[str]:
        schema = op.responses.get(str(status))
        if schema is None:
            if str(status) not in op.responses:
                return [f"{op.operation_id} does not declare status {status}"]
            return []
        return self._errors(schema, data, f"response {status}")

    def _errors(self, schema: dict[str, Any], data: Any, what: str) -> list[str]:
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            validator = Draft202012Validator(
                schema, registry=self._registry, format_checker=FormatChecker()
            )
            self._validators[key] = validator
        return [
            f"{what}: {'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(data), key=lambda e: list(e.path))[:5]
        ]


def _operation(template: str, method: str, op: dict[str, Any]) -> Operation:
    parts = template.strip("/").split("/")
    regex = "".join(
        f"/(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else "/" + re.escape(p) for p in parts
    )
    params = {
        (p["in"], p["name"]): {**p, "schema": translate(p.get("schema", {}))}
        for p in op.get("parameters", [])
    }
    body = op.get("requestBody")
    body_schema = None
    if body is not None:
        body_schema = translate(body["content"]["application/json"]["schema"])
    responses: dict[str, dict[str, Any] | None] = {}
    for status, answer in op.get("responses", {}).items():
        content = (answer or {}).get("content", {}).get("application/json")
        responses[status] = translate(content["schema"]) if content else None
    return Operation(
        operation_id=op["operationId"],
        method=method,
        template=template,
        pattern=re.compile(regex),
        literals=sum(1 for p in parts if not p.startswith("{")),
        parameters=params,
        body_schema=body_schema,
        body_required=bool(body and body.get("required")),
        responses=responses,
    )


def _check_value(what: str, raw: str, schema: dict[str, Any]) -> list[str]:
    """A path or query string against its (scalar) schema."""
    value: Any = raw
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "integer" in kinds:
        if not re.fullmatch(r"-?\d+", raw):
            return [f"{what}: {raw!r} is not an integer"]
        value = int(raw)
    elif "boolean" in kinds:
        if raw not in ("true", "false"):
            return [f"{what}: {raw!r} is not a boolean"]
        value = raw == "true"
    checker = Draft202012Validator(copy.deepcopy(schema), format_checker=FormatChecker())
    try:
        checker.validate(value)
    except ValidationError as exc:
        return [f"{what}: {exc.message}"]
    return []
