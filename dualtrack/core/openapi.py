"""The error answers every API operation can give, written into the OpenAPI schema (a drf-spectacular
postprocessing hook), so that a client generated from the schema expects them.

- 400: a parameter or a body field is invalid; the body names each field with its messages;
- 401: no token or session, or a bad token; 403: the user's role may not do this;
- 404: the object does not exist or is outside the user's scope (the two are not told apart), or the page
  number is past the end of a list.
"""

from __future__ import annotations

from typing import Any

MESSAGES = {"type": "array", "items": {"type": "string"}}
ERROR_SCHEMA = {
    "type": "object",
    "description": "Either `detail` (one message) or, for invalid input, each field's messages; a list of "
                   "objects posted at once answers per row number (from 0), each with its fields' messages.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"oneOf": [MESSAGES, {"type": "object", "additionalProperties": MESSAGES}]},
}
DESCRIPTIONS = {
    "400": "Invalid input: the fields in error, each with its messages",
    "401": "Not signed in, or the token is wrong",
    "403": "The user's role may not do this",
    "404": "Not found, or outside the user's scope; or a page past the end of the list",
}


def _answers(path: str, operation: dict[str, Any]) -> list[str]:
    names = {p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"}
    codes = ["401", "403"]
    if names or "requestBody" in operation:
        codes.append("400")
    if "{" in path or "page" in names:
        codes.append("404")
    return codes


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: adds the error answers an operation can give where it does not
    document them already."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code in _answers(path, operation):
                responses.setdefault(code, {"description": DESCRIPTIONS[code],
                                            "content": {"application/json": {"schema": reference}}})
    return result
