"""Reference code lists: regions (GB/T 2260), occupations (职业分类大典) and skill levels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mulu.core.loading import Document, FieldPath
from mulu.core.problems import Problem


@dataclass(frozen=True)
class Occupation:
    """One occupation of the classification, with the levels it has."""

    code: str
    name: str
    edition: str
    levels: tuple[str, ...]
    marks: tuple[str, ...] = ()
    work_types: tuple[str, ...] = ()
    verified: bool = False


@dataclass(frozen=True)
class Reference:
    """The code lists a registry is checked against."""

    regions: dict[str, str] = field(default_factory=dict)
    occupations: dict[str, Occupation] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    level_aliases: dict[str, str] = field(default_factory=dict)

    def region_name(self, code: str) -> str:
        """Name of a region code, or the code itself when unknown."""
        return self.regions.get(code, code)

    def region_parent(self, code: str) -> str | None:
        """The prefecture, else province, that a code belongs to (None for provinces)."""
        if code.endswith("0000"):
            return None
        prefecture = code[:4] + "00"
        if code != prefecture and prefecture in self.regions:
            return prefecture
        return code[:2] + "0000"

    def region_path(self, code: str) -> list[str]:
        """Province-to-county chain of a code, e.g. 黑龙江省 / 哈尔滨市 / 南岗区."""
        chain = [code]
        while (parent := self.region_parent(chain[-1])) is not None:
            chain.append(parent)
        return [self.region_name(c) for c in reversed(chain)]

    def in_region(self, code: str, ancestor: str) -> bool:
        """Whether region ``code`` lies within ``ancestor`` (or is it)."""
        current: str | None = code
        while current is not None:
            if current == ancestor:
                return True
            current = self.region_parent(current)
        return False


def _bad(doc: Document, path: FieldPath, message: str) -> Problem:
    line, col = doc.position(path)
    return Problem(doc.file, line, col, ".".join(map(str, path)), message, "reference.format")


def build_reference(docs: dict[str, Document]) -> tuple[Reference, list[Problem]]:
    """Read the reference documents, reporting any entry that is malformed."""
    problems: list[Problem] = []
    regions: dict[str, str] = {}
    if "regions" in docs:
        doc = docs["regions"]
        raw = doc.data.get("regions")
        if not isinstance(raw, dict):
            problems.append(_bad(doc, ("regions",), "regions 应为“代码: 名称”的键值对。"))
        else:
            for code, name in raw.items():
                if len(code) != 6 or not code.isdigit() or not isinstance(name, str):
                    problems.append(_bad(doc, ("regions", code), f"区划代码 {code} 应为六位数字，名称应为文本。"))
                else:
                    regions[code] = name
    levels: list[str] = []
    aliases: dict[str, str] = {}
    if "levels" in docs:
        doc = docs["levels"]
        for i, item in enumerate(doc.data.get("levels") or []):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                problems.append(_bad(doc, ("levels", i), "每个等级需要 name。"))
                continue
            levels.append(item["name"])
            for alias in item.get("aliases") or []:
                aliases[str(alias)] = item["name"]
    occupations: dict[str, Occupation] = {}
    if "occupations" in docs:
        doc = docs["occupations"]
        for i, item in enumerate(doc.data.get("occupations") or []):
            occ = _occupation(item)
            if occ is None:
                problems.append(_bad(doc, ("occupations", i), "每个职业需要 code、name、edition 和 levels。"))
            elif occ.code in occupations:
                problems.append(_bad(doc, ("occupations", i), f"职业编码 {occ.code} 重复。"))
            else:
                occupations[occ.code] = occ
    return Reference(regions, occupations, tuple(levels), aliases), problems


def _occupation(item: Any) -> Occupation | None:
    if not isinstance(item, dict):
        return None
    try:
        return Occupation(str(item["code"]), str(item["name"]), str(item["edition"]),
                          tuple(item["levels"]), tuple(item.get("marks") or ()),
                          tuple(item.get("work_types") or ()), bool(item.get("verified", False)))
    except (KeyError, TypeError):
        return None
