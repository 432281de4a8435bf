"""OpenAPI links: where a value in one response can be used in the next request.

drf-spectacular has no way to put `links` on a response, so a view declares them on its operation
with `extend_schema(extensions=links(201, GetListing=link(...)))` and the postprocessing hook
`postprocess_links` moves them to that response. Clients (and the stateful schemathesis run in
tests/api/test_fuzz_stateful.py) follow them: create a listing, then read, change or archive it.
"""

from __future__ import annotations

from typing import Any

# An extension key of the operation, removed from the schema by postprocess_links.
_LINKS_KEY = "x-ewtp-links"


def link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    """An OpenAPI Link object: the target operation and runtime expressions for its parameters
    (`id="$response.body#/id"`)."""
    return {"operationId": operation_id, "parameters": parameters, "description": description}


def links(status: int, **named: dict[str, Any]) -> dict[str, Any]:
    """`extensions` for `extend_schema`: the links of the operation's `status` response."""
    return {_LINKS_KEY: {str(status): named}}


def postprocess_links(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: put each operation's declared links on its response.

    A link to an operation missing from the schema, or from a response the operation does not
    have, is a mistake in the declaration: generating the schema fails, naming it.
    """
    operation_ids = {
        operation.get("operationId")
        for path in (result.get("paths") or {}).values()
        for operation in path.values()
    }
    for path_name, path in (result.get("paths") or {}).items():
        for method, operation in path.items():
            for status, named in (operation.pop(_LINKS_KEY, None) or {}).items():
                response = (operation.get("responses") or {}).get(status)
                if response is None:
                    raise ValueError(f"{method.upper()} {path_name} has no {status} response")
                for name, target in named.items():
                    if target["operationId"] not in operation_ids:
                        raise ValueError(f"link {name}: no operation {target['operationId']}")
                response.setdefault("links", {}).update(named)
    return result
