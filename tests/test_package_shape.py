"""The package keeps its shape: no private names across modules, one direction of flow
between subpackages, and no flat ``history_*``/``import_*`` modules at the top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator" / "mulu"

# Lower layers never import higher ones: files -> load -> validate -> registry -> render.
LAYERS = ["errors", "core", "project", "history", "authoring", "sheets", "stats", "site",
          "mkdocs_plugin", "commands", "cli", "__main__"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) of every ``from mulu… import`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "mulu":
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.ImportFrom) and node.level:
            out.append((node.lineno, "." * node.level + (node.module or ""), [a.name for a in node.names]))
    return out


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else module
    return LAYERS.index(top)


def files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules_to_check() -> None:
    assert len(files()) > 40 and all(module_name(p).startswith("mulu") for p in files())


def test_no_module_imports_a_private_name_from_another() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{line} {mod} {n}"
             for p in files() for line, mod, names in imports(p) for n in names
             if n.startswith("_") and not n.startswith("__")]
    assert not found, "导入了其他模块的私有名称：\n" + "\n".join(found)


def test_imports_are_absolute() -> None:
    found = [f"{p.relative_to(PACKAGE)}:{line} {mod}" for p in files() for line, mod, _ in imports(p)
             if mod.startswith(".")]
    assert not found, "\n".join(found)


def test_dependencies_flow_one_way() -> None:
    found = []
    for p in files():
        here = module_name(p)
        if here == "mulu":
            continue
        for line, mod, names in imports(p):
            targets = [mod] if mod != "mulu" else [f"mulu.{n}" for n in names]
            for target in targets:
                if target != "mulu" and layer(target) > layer(here):
                    found.append(f"{p.relative_to(PACKAGE)}:{line} imports {target}")
    assert not found, "下层模块导入了上层模块：\n" + "\n".join(found)


def test_no_flat_prefix_modules_remain() -> None:
    flat = [p.name for p in PACKAGE.glob("*.py") if p.name.startswith(("history_", "import_"))]
    assert not flat


def test_every_subpackage_says_what_it_offers() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(PACKAGE)} 缺少说明"


def test_no_test_module_imports_another() -> None:
    tests = Path(__file__).resolve().parent
    found = []
    for path in sorted(tests.rglob("test_*.py")) + [tests / "conftest.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.relative_to(tests)}:{node.lineno} {n}" for n in names
                      if n.split(".")[0].startswith("test_") or n == "conftest"]
    assert not found, "测试模块互相导入（共享的内容请放进 tests/helpers/）：\n" + "\n".join(found)
