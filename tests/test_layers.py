"""The package's folders are its layers: each module imports only from its own layer and the layers
below it, the model knows no output, the Sphinx extension stands on ``util`` alone, and no import
goes in a circle."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "scripts" / "proceedings"
# Each layer, and the layers it may import (its own is always allowed).
ALLOWED = {
    "util": set(),
    "records": {"util"},
    "model": {"util", "records"},
    "inputs": {"util", "records", "model"},
    "outputs": {"util", "records", "model"},
    "pages": {"util", "records", "model", "outputs"},
    "site": {"util", "records", "model", "outputs"},
    "sphinxext": {"util"},
    "build": {"util", "records", "model", "inputs", "outputs", "pages", "site"},
    "new": {"util", "records", "model", "outputs"},
    "cli": {"util", "records", "model", "inputs", "outputs", "pages", "site", "build", "new"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The package's modules that ``path`` imports, by dotted name."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            targets = [f"{module}.{alias.name}" for alias in node.names]
            found |= {_existing(target) or module for target in targets}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {module for module in found if module.split(".")[0] == "proceedings"}


def _existing(module: str) -> str | None:
    """``module`` if it is a module or package of ours (and not a name inside one)."""
    relative = Path(*module.split(".")[1:])
    if (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative / "__init__.py").is_file():
        return module
    return None


def _layer(module: str) -> str | None:
    """The layer of a module: its folder, or its own name at the top (None for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


GRAPH = {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_each_module_imports_only_its_layer_and_those_below(module):
    layer = _layer(module)
    if layer is None:
        return  # the package's __init__ (its version) and __main__ (the command)
    wrong = {target for target in GRAPH[module]
             if (other := _layer(target)) is not None and other != layer and other not in ALLOWED[layer]}
    assert not wrong, f"{module} ({layer}) imports {sorted(wrong)}"


def test_nothing_imports_the_sphinx_extension():
    importers = {module for module, targets in GRAPH.items() if any(t.startswith("proceedings.sphinxext") for t in targets)}
    assert importers <= {m for m in GRAPH if m.startswith("proceedings.sphinxext")}


def test_no_import_circle():
    try:
        TopologicalSorter({module: targets & set(GRAPH) for module, targets in GRAPH.items()}).prepare()
    except CycleError as error:
        pytest.fail(f"import circle: {' -> '.join(error.args[1])}")


def test_at_most_nine_layers():
    """Layers stacked by what their modules really import: util, records, model, inputs and outputs,
    pages and site, build, cli, and the command (``__main__``) on top."""
    imports: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        layer = _layer(module) or module
        imports.setdefault(layer, set()).update(_layer(t) or t for t in targets if (_layer(t) or t) != layer)
    imports.pop("proceedings", None)  # the package's __init__ holds only its version
    height: dict[str, int] = {}
    for layer in TopologicalSorter(imports).static_order():
        height[layer] = 1 + max((height[other] for other in imports.get(layer, ()) if other in height), default=0)
    assert max(height.values()) <= 9, height


def test_at_most_eight_modules_at_the_top():
    assert len(list(PACKAGE.glob("*.py"))) <= 8
