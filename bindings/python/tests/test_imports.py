"""The package's modules import one way: _capi -> _lib -> _dtype -> _tensor -> creation, grad mode,
indexing, interop, callbacks, generated ops -> autograd, nn, optim. Every import counts, at module
level or inside a function body: a module that needs a later one has the later module attach
its methods (Tensor.__getitem__, register_hook, backward, numpy, ...) when the package imports it."""
import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "swiftgrad"


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def is_package(name):
    return MODULES[name].name == "__init__.py"


def imports(name):
    """The package modules `name` imports anywhere in its source."""
    tree = ast.parse(MODULES[name].read_text())
    base = name if is_package(name) else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in MODULES}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                target = f"{anchor}.{node.module}" if node.module else anchor
            else:
                target = node.module or ""
            if target not in MODULES:
                continue
            submodules = {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES}
            found |= submodules
            if len(submodules) < len(node.names):  # names taken from the module itself
                found.add(target)
    found.discard(name)
    return found


def find_cycle():
    graph = {name: imports(name) for name in MODULES}
    state, stack = {}, []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for other in sorted(graph[name]):
            if state.get(other) == "open":
                return stack[stack.index(other):] + [other]
            if other not in state:
                cycle = visit(other)
                if cycle:
                    return cycle
        state[name] = "done"
        stack.pop()
        return None

    for name in sorted(graph):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


def test_the_checker_sees_the_package():
    assert {"swiftgrad._tensor", "swiftgrad._lib", "swiftgrad.nn.modules", "swiftgrad.autograd"} <= set(MODULES)
    assert "swiftgrad._tensor" in imports("swiftgrad._indexing")
    assert "swiftgrad._tensor" in imports("swiftgrad.autograd")


def test_no_import_cycle_inside_the_package():
    cycle = find_cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
