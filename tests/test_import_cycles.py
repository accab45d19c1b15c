"""No import cycles between the project's modules, function-level imports included.

import-linter's contracts (pyproject.toml) see module-level imports; a cycle through an import
inside a function (the old backend ↔ collection ↔ pg_collection factory, the two draft stores)
passes them and still couples the modules. grimp, which import-linter uses, builds the graph
with every import statement, wherever it is.
"""

from __future__ import annotations

import grimp

PACKAGES = ("ingest", "index", "readmit")


def import_cycles(graph: grimp.ImportGraph) -> set[tuple[str, ...]]:
    """Each cycle as the sorted modules on it (an edge m → n plus a chain n → … → m)."""
    cycles: set[tuple[str, ...]] = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.add(tuple(sorted({module, *chain})))
    return cycles


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    assert import_cycles(graph) == set()


def test_the_check_finds_a_cycle_through_a_function_level_import() -> None:
    """The check itself: a graph with the factory cycle this project used to have."""
    graph = grimp.ImportGraph()
    for module in ("index.backend", "index.collection"):
        graph.add_module(module)
    graph.add_import(importer="index.collection", imported="index.backend")
    graph.add_import(importer="index.backend", imported="index.collection")  # in a function
    assert import_cycles(graph) == {("index.backend", "index.collection")}
