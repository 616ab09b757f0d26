"""A custom import-linter contract: no app imports another app's ``_private`` names.

import-linter's own contracts see modules, not names; this one reads the source of every module
that imports from another root package and flags ``from other.module import _name`` and
``other_module._name`` (Django's ``_meta`` and dunders are public API and allowed). Within one
app, private helpers may be shared freely: the boundary that matters is between apps.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

ALLOWED = frozenset({"_meta"})


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in ALLOWED


def _root(module: str) -> str:
    return module.split(".")[0]


def _source_of(module: str) -> str:
    """The module's source, found without importing it (importing a Django app needs settings)."""
    root, *rest = module.split(".")
    folder = Path(importlib.util.find_spec(root).origin).parent
    path = folder.joinpath(*rest)
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return path.read_text(encoding="utf-8")


def _private_uses(source: str, *, own_root: str, roots: set[str]) -> list[tuple[int, str]]:
    """(line, "module._name") for every private name of another root package the source uses."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    aliases: dict[str, str] = {}  # a local name bound to another app's module -> that module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = _root(node.module)
            if root in roots and root != own_root:
                for alias in node.names:
                    if _is_private(alias.name):
                        found.append((node.lineno, f"{node.module}.{alias.name}"))
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                root = _root(alias.name)
                if root in roots and root != own_root:
                    # `import a.b as c` binds c to a.b; `import a.b` binds a.
                    aliases[alias.asname or root] = alias.name if alias.asname else root
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _is_private(node.attr)
        ):
            found.append((node.lineno, f"{aliases[node.value.id]}.{node.attr}"))
    return sorted(set(found))


class PrivateNamesContract(Contract):
    """No module of one root package uses a ``_private`` name of another root package.

    Configuration options:

        - packages: the root packages whose boundaries are checked (default: all root packages).
    """

    type_name = "private_names"

    packages = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        roots = set(self.packages or self.session_options["root_packages"])
        violations = []
        for module in sorted(graph.modules):
            own_root = _root(module)
            if own_root not in roots:
                continue
            imported_roots = {_root(other) for other in graph.find_modules_directly_imported_by(module)}
            if not (imported_roots & roots) - {own_root}:
                continue
            uses = _private_uses(_source_of(module), own_root=own_root, roots=roots)
            violations += [{"importer": module, "line": line, "name": name} for line, name in uses]
        return ContractCheck(kept=not violations, warnings=None, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(
                f"{violation['importer']} (l.{violation['line']}) uses {violation['name']}, "
                "a private name of another app: make it public there, or move the code.",
                bold=False,
            )
            output.new_line()
