"""OpenAPI post-processing: declare the answers every authenticated operation can give.

Declared so clients (and the fuzz suite, which checks every status against the schema) know
them: 401 without credentials, 403 for a session without CSRF token or second factor, 429 for a
locked-out sign-in. All share the one error shape of therapy/api_errors.py.
"""

from typing import Any

ERROR_COMPONENT = "ErrorResponse"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}
COMMON = {
    "401": "Not signed in: send a token or a session cookie.",
    "403": "Session without CSRF token, or two-step sign-in not completed.",
}


def add_common_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Any operation refuses a NUL character in its request (therapy.middleware).
            operation["responses"].setdefault(
                "400", {"description": "A query parameter holds a NUL character.", "content": ref}
            )
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "415", {"description": "Unsupported content type.", "content": ref}
                )
            requires_auth = {} not in operation.get("security", [{}])
            if requires_auth:
                for status, description in COMMON.items():
                    operation["responses"].setdefault(
                        status, {"description": description, "content": ref}
                    )
    return result
