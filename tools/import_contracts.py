"""An import-linter contract type the built-in ones lack: no cycle through a package's __init__.

A submodule that imports its package's ``__init__`` (``from hlcourse import diagnostics``
inside ``hlcourse/diagnostics/_report.py``) closes a cycle whenever that ``__init__`` imports
the submodule back, which a package that gathers its submodules' names does. import-linter's
`acyclic_siblings` compares siblings only, and its `forbidden` type ignores a module's own
ancestors, so neither sees it. pyproject.toml registers this type as ``no_self_imports``:

    [[tool.importlinter.contracts]]
    type = "no_self_imports"
    packages = ["hlcourse"]   # every subpackage below these is checked

The root packages themselves are not checked: `hlcourse/__init__.py` loads its submodules on
first use, so importing it from inside closes no cycle.
"""

from __future__ import annotations

import grimp
from importlinter import Contract, ContractCheck, fields, output


class NoSelfImportsContract(Contract):
    """No module below a subpackage of `packages` imports that subpackage (its `__init__`)
    while the subpackage imports it back (a package that loads its modules lazily, by name,
    may be imported by them)."""

    type_name = "no_self_imports"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        found = []
        for root in self.packages:  # type: ignore[attr-defined]
            for module in sorted(graph.find_descendants(root)):
                parts = module.split(".")
                for depth in range(len(root.split(".")) + 1, len(parts)):
                    package = ".".join(parts[:depth])
                    # a cycle only when the package imports the module back, directly or not
                    if not graph.find_shortest_chain(importer=package, imported=module):
                        continue
                    lines = sorted(_through_package(graph, module, package))
                    if lines:
                        found.append((module, package, lines))
        return ContractCheck(kept=not found, metadata={"self_imports": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, package, lines in check.metadata["self_imports"]:
            output.print_error(
                f"{module} imports its own package {package} (l.{', '.join(map(str, lines))}): "
                f"import the submodule that defines the name instead",
                bold=False,
            )
            output.new_line()


def _through_package(graph: grimp.ImportGraph, module: str, package: str) -> set[int]:
    """Lines where `module` imports `package` itself, or a name or submodule from it
    (``from hlcourse.playground import engine`` runs the package's ``__init__`` first)."""
    lines = {d["line_number"] for d in graph.get_import_details(importer=module, imported=package)}
    for imported in graph.find_modules_directly_imported_by(module):
        if imported.startswith(package + "."):
            for detail in graph.get_import_details(importer=module, imported=imported):
                if detail["line_contents"].startswith(f"from {package} import "):
                    lines.add(detail["line_number"])
    return lines
