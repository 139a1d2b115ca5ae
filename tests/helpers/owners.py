"""Records of the sample registry with their maintainer accounts, and the edits a
maintainer makes, for ownership tests on throw-away repositories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml


@dataclass(frozen=True)
class Owned:
    """A record of the sample registry and the accounts that maintain it."""

    path: str
    maintainers: list[str]


def owned_records(root: Path, kind: str = "institutions") -> list[Owned]:
    """Records of ``kind`` with their maintainers, so tests pick real accounts."""
    out = []
    for path in sorted((root / "registry" / kind).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(Owned(path.relative_to(root).as_posix(), [str(m) for m in data.get("maintainers") or []]))
    return out


def two_institutions(root: Path) -> tuple[Owned, Owned]:
    """Two records whose maintainers do not overlap."""
    records = owned_records(root)
    if len(records) < 2:
        pytest.skip("样例目录中的培训机构记录不足两条")
    first = records[0]
    other = next((r for r in records[1:] if not set(r.maintainers) & set(first.maintainers)), None)
    if other is None:
        pytest.skip("样例目录中没有维护账号互不相同的两条记录")
    return first, other


def reviewers(root: Path) -> list[str]:
    return list(yaml.safe_load((root / "registry" / "config.yml").read_text(encoding="utf-8"))["reviewers"])


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_address(root: Path, rel: str) -> None:
    """The kind of change an institution makes: a new address line."""
    path = root / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("address:"))
    lines[index] = "address: 新校区 8 号楼\n"
    path.write_text("".join(lines), encoding="utf-8")
