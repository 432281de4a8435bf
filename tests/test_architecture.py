"""Dependencies point one way (docs/architecture.md): marketplace → customs → ehubs, payments;
no lower app imports marketplace, and in ewtp/ only the URL configuration names it (by string,
in `include()`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOWER_APPS = ("ehubs", "customs", "payments")


def _imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, at any depth (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _importers_of(package: str, *, under: str) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / under).rglob("*.py")
        if any(m == package or m.startswith(f"{package}.") for m in _imported_modules(path))
    )


@pytest.mark.parametrize("app", LOWER_APPS)
def test_lower_apps_never_import_marketplace(app: str) -> None:
    assert _importers_of("marketplace", under=app) == []


def test_in_ewtp_only_the_url_configuration_imports_marketplace() -> None:
    assert _importers_of("marketplace", under="ewtp") == []  # urls.py includes it by name


def test_ehubs_knows_nothing_of_customs() -> None:
    # customs uses ehubs (routes); never the other way round.
    assert _importers_of("customs", under="ehubs") == []


def test_payments_knows_nothing_of_customs_or_ehubs() -> None:
    assert _importers_of("customs", under="payments") == []
    assert _importers_of("ehubs", under="payments") == []


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from marketplace.models import Listing\n", encoding="utf-8")
    assert "marketplace.models" in _imported_modules(module)
