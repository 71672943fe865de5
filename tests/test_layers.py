"""First-party imports follow the README's diagram (ruff's banned-api guards third parties)."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "scalebot"

# Which first-party layers each layer may import (its own layer always).
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset({"locales"}),
    # Health checks, metrics and log setup: a leaf every layer may count into.
    "ops": frozenset(),
    # Message catalogs and the translator: a leaf every layer may render through.
    "locales": frozenset(),
    "grading": frozenset({"domain", "locales"}),
    "bank": frozenset({"domain"}),
    "db": frozenset({"domain"}),
    # Pictures drawn for members (the stats PNG): pure drawing over domain records.
    "pictures": frozenset({"domain", "locales"}),
    "services": frozenset({"domain", "grading", "db", "ops", "locales", "pictures"}),
    "scheduling": frozenset({"domain", "services", "ops", "locales"}),
    "platforms": frozenset({"domain", "services", "settings", "ops", "locales"}),
    "platforms.console": frozenset(
        {"domain", "services", "settings", "platforms", "ops", "locales"}
    ),
    "platforms.slack": frozenset({"domain", "services", "settings", "platforms", "ops", "locales"}),
    "platforms.discord": frozenset(
        {"domain", "services", "settings", "platforms", "ops", "locales"}
    ),
    # The root settings compose each area's settings and check a database URL (lazily).
    "settings": frozenset(
        {"domain", "grading", "platforms.slack", "platforms.discord", "db", "scheduling", "locales"}
    ),
}
# The only modules a layer may reach inside another layer it may import.
ONLY: dict[tuple[str, str], frozenset[str]] = {
    ("settings", "grading"): frozenset({"scalebot.grading.settings"}),
    ("settings", "platforms.slack"): frozenset({"scalebot.platforms.slack.settings"}),
    ("settings", "platforms.discord"): frozenset({"scalebot.platforms.discord.settings"}),
    ("settings", "db"): frozenset({"scalebot.db.engine"}),
    ("settings", "scheduling"): frozenset({"scalebot.scheduling.settings"}),
    # Services use transactions and repositories, never the ORM models themselves.
    ("services", "db"): frozenset({"scalebot.db.engine", "scalebot.db.repository"}),
}
# Imports the diagram forbids that the code still has, each with what removing it needs.
# The test fails on any new one, and on an entry here that no longer exists.
KNOWN_DEBT: frozenset[tuple[str, str]] = frozenset()
# Third-party packages the pure layers may use besides the standard library.
PURE_THIRD_PARTY = {
    "ops": frozenset({"aiohttp", "prometheus_client", "pythonjsonlogger"}),
    # regex: Unicode grapheme clusters (\X), so display cuts never split a character.
    "domain": frozenset({"pydantic", "regex"}),
    # gettext catalogs are standard library; Babel formats numbers and dates.
    "locales": frozenset({"babel"}),
    # The imaging library draws the stats picture.
    "pictures": frozenset({"PIL"}),
    # Chinese segmentation and script conversion, the LLM grader's HTTP, labelled YAML.
    "grading": frozenset({"pydantic", "pydantic_settings", "yaml", "aiohttp", "rjieba", "opencc"}),
}


def layer_of(module: str) -> str:
    """The layer a scalebot module belongs to: its first part, platforms by platform."""
    parts = module.split(".")[1:]
    if not parts:
        return "root"
    if parts[0] == "platforms" and len(parts) > 1 and (PACKAGE / "platforms" / parts[1]).is_dir():
        return f"platforms.{parts[1]}"
    return parts[0]


def modules() -> Iterator[tuple[str, ast.Module]]:
    """Every module of the package with its parsed source."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        yield name, ast.parse(path.read_text(encoding="utf-8"))


def imports(tree: ast.Module) -> Iterator[str]:
    """Every absolute module name a source imports, at any depth (lazy imports too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def first_party_violations() -> set[tuple[str, str]]:
    """(importer, imported) pairs that cross a layer boundary the diagram does not draw."""
    found = set()
    for name, tree in modules():
        mine = layer_of(name)
        if mine not in ALLOWED:
            continue  # app, cli, __main__: the composition root and the entry point
        for target in imports(tree):
            if not target.startswith("scalebot."):
                continue
            theirs = layer_of(target)
            if theirs == mine:
                continue
            only = ONLY.get((mine, theirs))
            if theirs not in ALLOWED[mine] or (only is not None and target not in only):
                found.add((name, target))
    return found


def test_first_party_imports_follow_the_layers() -> None:
    new = first_party_violations() - KNOWN_DEBT
    assert not new, "imports the README's diagram does not allow: " + ", ".join(
        f"{a} -> {b}" for a, b in sorted(new)
    )


def test_known_debt_lists_only_imports_that_still_exist() -> None:
    gone = KNOWN_DEBT - first_party_violations()
    assert not gone, f"remove from KNOWN_DEBT, they are fixed: {sorted(gone)}"


def test_domain_and_grading_use_only_the_standard_library_and_few_packages() -> None:
    for name, tree in modules():
        allowed = PURE_THIRD_PARTY.get(layer_of(name))
        if allowed is None:
            continue
        for target in imports(tree):
            top = target.split(".")[0]
            assert top in sys.stdlib_module_names or top in allowed or top == "scalebot", (
                f"{name} imports {target}"
            )


def test_the_package_root_holds_only_the_entry_modules() -> None:
    loose = {p.name for p in PACKAGE.glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "app.py", "cli.py", "settings.py"} - {"cli.py"}
