"""The type stubs ``ictaltrack/_core.pyi`` describe the compiled ``ictaltrack._core`` exactly:
the same public names; for every function and method the same parameter names in the same
order, the same keyword-only marker and the same parameters with a default; for every class the
same bases (exceptions), methods, properties and enum members.

The oracle for the bindings is the extension itself (pybind11 writes each signature as the first
line of the docstring); the stubs are read with :mod:`ast`, never imported.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from ictaltrack import _core

# The stubs of the source tree (what a change must keep true); the installed copy otherwise.
STUBS = Path(__file__).resolve().parents[2] / "python" / "ictaltrack" / "_core.pyi"
if not STUBS.exists():
    STUBS = Path(_core.__file__).with_name("_core.pyi")


def _stub_tree() -> ast.Module:
    return ast.parse(STUBS.read_text(encoding="utf-8"))


def _split_top_level(text: str) -> list[str]:
    """``a: int, b: list[int, str] = [1, 2]`` -> the two parameters (commas inside brackets,
    parentheses, braces and quotes do not split)."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{<":
            depth += 1
        elif char in ")]}>" and not (char == ">" and current.endswith("-")):
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def _binding_signature(function: object, name: str, method: bool) -> tuple:
    """(parameter names with '*' for the keyword-only marker, names that have a default) from
    the pybind11 docstring ``name(a: int, *, b: str = 'x') -> None``."""
    line = (function.__doc__ or "").lstrip().splitlines()[0]
    assert line.startswith(f"{name}("), f"{name}: no pybind11 signature in {line!r}"
    depth, end = 0, None
    for position, char in enumerate(line[len(name) :], start=len(name)):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            end = position
            break
    inner = line[len(name) + 1 : end]
    names, defaults = [], set()
    for part in _split_top_level(inner):
        if part == "*":
            names.append("*")
            continue
        head = part.split("=", 1)
        parameter = head[0].split(":", 1)[0].strip()
        names.append(parameter)
        if len(head) == 2:
            defaults.add(parameter)
    if method and names and names[0] == "self":
        names = names[1:]
    return tuple(names), frozenset(defaults)


def _stub_signature(node: ast.FunctionDef, method: bool) -> tuple:
    positional = [a.arg for a in node.args.posonlyargs + node.args.args]
    with_default = (
        positional[len(positional) - len(node.args.defaults) :] if node.args.defaults else []
    )
    names = list(positional)
    if node.args.kwonlyargs:
        names.append("*")
        names += [a.arg for a in node.args.kwonlyargs]
        with_default += [
            a.arg for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None
        ]
    if method and names and names[0] == "self":
        names = names[1:]
    return tuple(names), frozenset(with_default)


def _public_stub_names(tree: ast.Module) -> dict[str, ast.AST]:
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return {n: v for n, v in names.items() if not n.startswith("_") or n == "__version__"}


def _public_binding_names() -> set[str]:
    return {n for n in dir(_core) if not n.startswith("_")} | {"__version__"}


def test_the_stubs_name_every_binding_and_nothing_else():
    stubbed = set(_public_stub_names(_stub_tree()))
    bound = _public_binding_names()
    assert sorted(bound - stubbed) == [], "bindings missing from _core.pyi"
    assert sorted(stubbed - bound) == [], "names in _core.pyi that the extension lacks"


def _functions() -> list[str]:
    stubs = _public_stub_names(_stub_tree())
    return sorted(n for n, node in stubs.items() if isinstance(node, ast.FunctionDef))


@pytest.mark.parametrize("name", _functions())
def test_function_signatures_match(name: str):
    node = _public_stub_names(_stub_tree())[name]
    assert _stub_signature(node, method=False) == _binding_signature(
        getattr(_core, name), name, method=False
    )


def _classes() -> list[str]:
    stubs = _public_stub_names(_stub_tree())
    return sorted(n for n, node in stubs.items() if isinstance(node, ast.ClassDef))


def _base_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ast.unparse(node)


@pytest.mark.parametrize("name", _classes())
def test_class_members_match(name: str):
    node = _public_stub_names(_stub_tree())[name]
    cls = getattr(_core, name)
    assert inspect.isclass(cls)
    if issubclass(cls, BaseException):
        assert [_base_name(b) for b in node.bases] == [b.__name__ for b in cls.__bases__]
        return
    if hasattr(cls, "__members__"):  # a pybind11 enum: the member names
        stub_members = {
            t.id
            for n in node.body
            if isinstance(n, (ast.Assign, ast.AnnAssign))
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            if isinstance(t, ast.Name)
        }
        assert stub_members == set(cls.__members__)
        return
    stub_methods, stub_properties = {}, set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            if any(_base_name(d) == "property" for d in item.decorator_list):
                stub_properties.add(item.name)
            else:
                stub_methods[item.name] = item
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            stub_properties.add(item.target.id)
    bound_properties = {
        n for n, v in vars(cls).items() if isinstance(v, property) and not n.startswith("_")
    }
    bound_methods = {
        n
        for n, v in vars(cls).items()
        if callable(v)
        and not isinstance(v, type)
        and (
            not n.startswith("_")
            or n in ("__init__", "__len__", "__call__", "__iter__", "__getitem__")
        )
    }
    assert stub_properties == bound_properties
    assert set(stub_methods) == bound_methods
    for method, stub in stub_methods.items():
        assert _stub_signature(stub, method=True) == _binding_signature(
            getattr(cls, method), method, method=True
        ), method


def test_the_parser_reads_signatures_as_pybind11_writes_them():
    # Hand-written docstring lines with nested brackets, defaults with commas and kw-only.
    class Fake:
        __doc__ = "f(a: dict[str, tuple[int, int]], *, b: str = 'x, y', c: list = [1, 2]) -> None"

    assert _binding_signature(Fake, "f", method=False) == (
        ("a", "*", "b", "c"),
        frozenset({"b", "c"}),
    )
    stub = ast.parse("def f(self, a, b=1, *, c, d=2): ...").body[0]
    assert _stub_signature(stub, method=True) == (("a", "b", "*", "c", "d"), frozenset({"b", "d"}))
