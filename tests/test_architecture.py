"""The dependency rule of docs/architecture.md, held over the whole import graph.

grimp reads every import statement of the project's modules, imports inside functions
included (those are where cycles used to hide); imports under `if TYPE_CHECKING:` are left out
because they never run.
"""

import functools
import pathlib
import re

import grimp
import pytest

PACKAGES = ("therapy", "accounts", "programs")


@functools.cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def _edges() -> list[tuple[str, str]]:
    graph = _graph()
    return sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] in PACKAGES
    )


def _layer(module: str) -> str | None:
    """`programs.services.plans` -> "services"; `accounts.notifications` -> "notifications"."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def _strongly_connected(edges: list[tuple[str, str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other."""
    successors: dict[str, list[str]] = {}
    for importer, imported in edges:
        successors.setdefault(importer, []).append(imported)
        successors.setdefault(imported, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in successors:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(successors[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_no_import_cycle_between_the_projects_modules():
    cycles = _strongly_connected(_edges())
    assert cycles == [], "modules that import each other (break the cycle):\n" + "\n".join(
        " <-> ".join(group) for group in cycles
    )


def test_accounts_never_imports_programs():
    wrong = [(a, b) for a, b in _edges() if a.startswith("accounts") and b.startswith("programs")]
    assert wrong == []


# layer of the importer -> layers of the same app it may not import
FORBIDDEN = {
    "models": {"services", "selectors", "views", "apis", "forms", "tasks", "notifications"},
    "selectors": {"services", "views", "apis", "forms", "tasks"},
    "notifications": {"services", "views", "apis", "forms", "tasks"},
    "services": {"views", "apis", "forms"},
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_depend_one_way(layer):
    wrong = [
        (importer, imported)
        for importer, imported in _edges()
        if _layer(importer) == layer and _layer(imported) in FORBIDDEN[layer]
    ]
    assert wrong == [], f"{layer} may not import {sorted(FORBIDDEN[layer])}"


def test_the_graph_sees_imports_inside_functions():
    """A guard on the guard: the MFA middleware imports its selector inside `__call__`, and the
    graph must see that edge, or the cycle check above would pass by not looking."""
    assert ("therapy.middleware", "accounts.selectors.security") in _edges()


def test_every_task_queued_by_name_is_a_registered_task():
    """Services queue tasks by their pinned name (`task_send`): a typo or a renamed task must
    fail here, not silently in a worker log."""
    from therapy.celery import app

    app.loader.import_default_modules()
    sent = set()
    for package in ("accounts", "programs", "therapy"):
        for path in pathlib.Path(package).rglob("*.py"):
            sent |= set(re.findall(r'task_send\(\s*"([\w.]+)"', path.read_text()))
    assert sent, "no task_send call found: the pattern above is stale"
    assert sent <= set(app.tasks), sorted(sent - set(app.tasks))
