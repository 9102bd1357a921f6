"""The import contract: the layers of chainrule, read from the source's import statements.

- ``import chainrule`` loads the core only: no subprocess or multiprocessing (the audit's sandbox), no
  tool (audit, explain, gradcheck, the CLI), which load on first use and still answer as before.
- The math modules (g, g', L, J, the layer equations, the conventions, the optimizers) import only
  each other: never a tool, never the network.
- ``datasets`` never imports ``course`` (the course's functions are built on the data, not the other way).
- The layers of docs/architecture.md's drawing (``LAYERS``, top to bottom): a module imports only modules of
  the layers below its own (the math modules also each other; a package's modules each other).
- No import cycle between chainrule's modules, counting the imports inside functions too (those are
  the lazy ones: a cycle through them still ties two modules into one).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import chainrule

PACKAGE = Path(chainrule.__file__).parent
SOURCE_ROOT = PACKAGE.parent

MATH = {"activations", "conventions", "errors", "initializers", "layers", "losses", "numerics", "optim", "regularization",
        "validation", "workspace", "divergence", "memory", "report"}  # report: the plain Table value the conventions' comparison returns
MATH_REQUIRED = MATH - {"numerics"}
# docs/architecture.md's drawing, top to bottom; the package's top-level modules and subpackages by name
LAYERS = (
    ("__main__",),
    ("cli",),
    ("playground", "ipython"),
    ("runs",),
    ("audit", "explain"),
    ("course", "gradcheck", "io", "plots"),
    ("network",),
    ("modelfile", "torch_bridge"),
    ("training",),
    ("datasets",),
    (*sorted(MATH), "version"),
)
TOOLS = ("chainrule.audit", "chainrule.explain", "chainrule.gradcheck", "chainrule.cli", "chainrule.playground",
         "chainrule.plots", "chainrule.course", "chainrule.ipython", "chainrule.torch_bridge")

# Edges of cycles that a rewrite in progress may list here for a while, each with its reason; none now.
PENDING: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, tuple[Path, bool]]:
    """{dotted name: (file, is a package)} for every module of chainrule."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SOURCE_ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _owner(name: str) -> str:
    """The chainrule module that ``name`` (a module, or a name inside one) lives in."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(name: str) -> set[str]:
    """The chainrule modules that module ``name`` imports anywhere in its body, except under ``if TYPE_CHECKING:``."""
    path, is_package = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for node in ast.walk(block)}  # fmt: skip
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {_owner(alias.name) for alias in node.names if alias.name.split(".")[0] == "chainrule"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import: from the package of this module
                package = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{base}" if base else package
            if base.split(".")[0] == "chainrule":
                found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else _owner(base) for alias in node.names}
    found.discard(name)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _reachable(name: str, graph: dict[str, set[str]] = GRAPH) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        for imported in graph[todo.pop()] - seen:
            seen.add(imported)
            todo.append(imported)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def _fresh_interpreter(code: str) -> dict:
    """What ``code`` prints as JSON, run in a new Python (so that nothing this test session imported counts)."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_chainrule_loads_no_tool_and_no_process_module():
    loaded = _fresh_interpreter("import json, sys, chainrule; print(json.dumps(sorted(sys.modules)))")
    assert "chainrule.network" in loaded  # the check itself sees the core
    heavy = [name for name in loaded if name.split(".")[0] in ("subprocess", "multiprocessing", "typer", "rich")]
    tools = [name for name in loaded if name.startswith(TOOLS)]
    assert heavy == [] and tools == [], f"import chainrule loaded {heavy + tools}"


@pytest.mark.parametrize("first", ["", "import chainrule.explain, chainrule.gradcheck, chainrule.audit"])
def test_tools_load_on_first_use_and_keep_their_public_names(first):
    """``chainrule.explain`` is the function, whether or not the submodule of the same name was imported first."""
    answer = _fresh_interpreter(
        f"import json, sys, chainrule as cr\n{first}\n"
        "from chainrule.gradcheck import GradcheckReport\n"
        "print(json.dumps({name: [callable(getattr(cr, name)), getattr(cr, name).__module__]"
        " for name in ('audit', 'explain', 'gradcheck')} | {'report': cr.GradcheckReport is GradcheckReport,"
        " 'modules': [type(sys.modules[m]).__name__ for m in ('chainrule.explain', 'chainrule.gradcheck')]}))"
    )
    assert answer["audit"] == [True, "chainrule.audit"] and answer["explain"][0] and answer["gradcheck"] == [True, "chainrule.gradcheck"]
    assert answer["explain"][1].startswith("chainrule.explain") and answer["report"] and answer["modules"] == ["module", "module"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        chainrule.nope  # noqa: B018


def test_the_math_modules_import_only_each_other():
    math_modules = {f"chainrule.{name}" for name in MATH if f"chainrule.{name}" in MODULES}
    assert {f"chainrule.{name}" for name in MATH_REQUIRED} <= math_modules
    for name in sorted(math_modules):
        outside = _reachable(name) - math_modules
        assert not outside, f"{name} imports {sorted(outside)}: a math module imports only math modules"


def _part(name: str) -> str:
    """The top-level module or subpackage of chainrule that module ``name`` belongs to: "audit" for chainrule.audit.spec."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _layer_violations(graph: dict[str, set[str]]) -> list[str]:
    level = {part: i for i, layer in enumerate(LAYERS) for part in layer}
    math = level["layers"]
    found = []
    for name, imports in graph.items():
        if name == "chainrule":  # the package's __init__: names the tools for first use
            continue
        for imported in imports:
            a, b = _part(name), _part(imported)
            if a == b or (level[a] == level[b] == math):
                continue
            if level[b] <= level[a]:
                found.append(f"{name} imports {imported}, a layer {'above' if level[b] < level[a] else 'beside'} it")
    return found


def test_every_module_has_a_layer():
    drawn = {part for layer in LAYERS for part in layer}
    assert {_part(name) for name in MODULES} - {"chainrule"} <= drawn, "add the new module to LAYERS and the drawing"


def test_a_module_imports_only_the_layers_below_it():
    assert not _layer_violations(GRAPH)
    planted = {**GRAPH, "chainrule.training": GRAPH["chainrule.training"] | {"chainrule.network"}}  # a negative control
    assert _layer_violations(planted) == ["chainrule.training imports chainrule.network, a layer above it"]


def test_datasets_never_imports_course():
    reached = set().union(*(_reachable(name) for name in MODULES if name.startswith("chainrule.datasets")))
    assert "chainrule.datasets.catvnoncat" in reached  # the loader the cat data set uses, read in the data layer
    assert not {name for name in reached if name.startswith("chainrule.course")}


def test_no_import_cycle():
    graph = {name: {imported for imported in imports if (name, imported) not in PENDING} for name, imports in GRAPH.items()}
    assert _cycles(graph) == []
    for name, imported in PENDING:  # each pending edge is still there (else it leaves this list)
        assert imported in GRAPH[name], f"{name} no longer imports {imported}: remove it from PENDING"


def test_the_model_file_knows_no_network():
    """The file format reads and writes plain values; the Network is built on it (io.load, Network.load), not under it."""
    assert "chainrule.network" in GRAPH["chainrule.io"] and "chainrule.modelfile" in GRAPH["chainrule.network"]
    assert "chainrule.network" not in _reachable("chainrule.modelfile") and "chainrule.io" not in _reachable("chainrule.network")


def test_the_cycle_finder_sees_a_cycle():
    """Negative control: a planted io → network → io loop, and a longer one through three modules, are found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    planted = {name: set(imports) for name, imports in GRAPH.items()} | {"chainrule.errors": {"chainrule.cli.root"},
                                                                         "chainrule.cli.root": {"chainrule.errors"}}
    assert ["chainrule.cli.root", "chainrule.errors"] in _cycles(planted)
