"""Size and layering targets for the code in src/ (issue 21): no module over 500 lines, no function over
80 lines or with more than 10 parameters (typer command signatures in cli/ aside: the options go there; a
command's body is held to 80 lines),
and no import of another package's private module (``extract._common`` from ``report/``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "upphandlingsgranskare"

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
MAX_PARAMETERS = 10


def _dotted(path: Path, root: Path) -> tuple[list[str], bool]:
    """The module's dotted name as parts, and whether it is a package (``__init__.py``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return parts[:-1], True
    return parts, False


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    count = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs) + bool(args.vararg) + bool(args.kwarg)
    positional = args.posonlyargs + args.args
    if positional and positional[0].arg in ("self", "cls"):
        count -= 1
    return count


def _is_typer_option(node: ast.expr | None) -> bool:
    """``typer.Option(...)``/``typer.Argument(...)``, or an ``Annotated[...]`` that holds one."""
    if node is None:
        return False
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("Option", "Argument")
        and isinstance(n.func.value, ast.Name)
        and n.func.value.id == "typer"
        for n in ast.walk(node)
    )


def _is_typer_command(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function whose parameters are declared as typer options: the CLI's command signatures."""
    args = node.args
    annotated = [a.annotation for a in args.posonlyargs + args.args + args.kwonlyargs]
    defaults = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    return any(_is_typer_option(n) for n in annotated + defaults)


def _private_module(target: list[str], known: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The private module ``target`` is or lies in (``extract._common``), or None."""
    for i in range(1, len(target)):
        name = target[i]
        if name.startswith("_") and not name.startswith("__") and tuple(target[: i + 1]) in known:
            return tuple(target[: i + 1])
    return None


def _imports(tree: ast.Module, parts: list[str], is_package: bool) -> list[list[str]]:
    """Every module (and ``from`` name) the module imports, absolute, at any depth (lazy imports too)."""
    base = parts if is_package else parts[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            start = base[: len(base) - node.level + 1] if node.level else []
            module = start + (node.module.split(".") if node.module else [])
            found.append(module)
            found.extend(module + [alias.name] for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name.split(".") for alias in node.names)
    return found


def offences(root: Path) -> set[str]:
    """What in the packages under ``root`` misses the targets, one string per offence."""
    files = sorted(root.rglob("*.py"))
    known = {tuple(_dotted(path, root)[0]) for path in files}
    found: set[str] = set()
    for path in files:
        shown = path.relative_to(root).as_posix()
        source = path.read_text("utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            found.add(f"module {shown}")
        tree = ast.parse(source)
        parts, is_package = _dotted(path, root)
        in_cli = "cli" in parts[:-1] or (is_package and parts[-1:] == ["cli"])
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            command = in_cli and _is_typer_command(node)
            # A typer command's signature is its options' declarations (one per line once formatted): its body counts.
            first = node.body[0].lineno if command else node.lineno
            if node.end_lineno is not None and node.end_lineno - first + 1 > MAX_FUNCTION_LINES:
                found.add(f"function {shown}:{node.name} lines")
            if _parameters(node) > MAX_PARAMETERS and not command:
                found.add(f"function {shown}:{node.name} parameters")
        for target in _imports(tree, parts, is_package):
            private = _private_module(target, known)
            # A private module is its package's own: the package and the packages under it may import it.
            if private is not None and tuple(parts[: len(private) - 1]) != private[:-1]:
                found.add(f"import {shown}: {'.'.join(private)}")
    return found


def test_the_code_keeps_to_the_size_and_layering_targets() -> None:
    found = sorted(offences(SRC))
    assert not found, (
        "over the targets (split the module or function, or give the shared code a public home):\n" + "\n".join(found)
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small package with one offence of each kind, and the allowed cases beside them."""
    pkg = tmp_path / "pkg"
    for folder in ("extract", "report", "cli"):
        (pkg / folder).mkdir(parents=True)
        (pkg / folder / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "_shared.py").write_text("X = 1\n")  # private to pkg: every package under it may use it
    (pkg / "extract" / "_common.py").write_text("def normalize(text):\n    return text\n")
    (pkg / "extract" / "reader.py").write_text("from ._common import normalize\nfrom .._shared import X\n")
    (pkg / "report" / "docx.py").write_text("def annotate():\n    from ..extract._common import normalize\n")
    (pkg / "report" / "long.py").write_text("def long():\n" + "    x = 1\n" * 80 + "\n" * 421)
    params = ", ".join(f"a{n}" for n in range(11))
    (pkg / "report" / "many.py").write_text(
        f"def many({params}):\n    pass\n\n\nclass C:\n"
        f"    def method(self, {', '.join(f'a{n}' for n in range(10))}):\n"
        "        pass\n"
    )
    # Commands whose signatures are 90 lines of options: the first has a short body, the second an 81-line one.
    options = "".join(f"    a{n}: Annotated[int, typer.Option()] = 0,\n" for n in range(90))
    (pkg / "cli" / "app.py").write_text(
        f"import typer\nfrom typing import Annotated\n\n\ndef command(\n{options}):\n"
        f"    pass\n\n\ndef long_command(\n{options}):\n"
        + "    x = 1\n" * 81
        + f"\n\ndef helper({params}):\n    pass\n"
    )
    return tmp_path


def test_the_checker_finds_each_kind_of_offence(tree: Path) -> None:
    assert offences(tree) == {
        "module pkg/report/long.py",
        "function pkg/report/long.py:long lines",
        "function pkg/report/many.py:many parameters",
        "function pkg/cli/app.py:helper parameters",
        "function pkg/cli/app.py:long_command lines",
        "import pkg/report/docx.py: pkg.extract._common",
    }
