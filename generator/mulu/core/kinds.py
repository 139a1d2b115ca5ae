"""The kinds of record a registry holds, and how records refer to one another."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mulu.core.loading import FieldPath, get_path


@dataclass(frozen=True)
class Kind:
    """One catalogue: a folder of one-record-per-file YAML validated by one schema."""

    name: str          # folder under registry/, also the key used everywhere in code
    schema: str        # file name under schemas/
    title: str         # Chinese name of the catalogue
    noun: str          # Chinese name of one record
    keyed_by_credit_code: bool = False


KINDS: tuple[Kind, ...] = (
    Kind("programmes", "programme.schema.json", "政府补贴培训目录", "培训项目"),
    Kind("institutions", "institution.schema.json", "培训机构目录", "培训机构", keyed_by_credit_code=True),
    Kind("assessors", "assessor.schema.json", "职业技能等级认定机构目录", "认定机构", keyed_by_credit_code=True),
    Kind("bases", "base.schema.json", "实训基地目录", "实训基地"),
    Kind("studios", "studio.schema.json", "技能大师工作室目录", "技能大师工作室"),
    Kind("specs", "spec.schema.json", "专项职业能力考核规范目录", "考核规范"),
    Kind("notices", "notice.schema.json", "调整公告", "调整公告"),
)
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}



@dataclass(frozen=True)
class Reference:
    """``field`` of a record names record ``target_id`` of kind ``target_kind``."""

    field: FieldPath
    target_kind: str
    target_id: str


def references(kind: str, data: dict[str, Any]) -> Iterator[Reference]:
    """Every reference a record makes to another record, with the field that makes it."""
    for path in (("listed", "notice"), ("status_change", "notice")):
        target = get_path(data, path)
        if isinstance(target, str):
            yield Reference(path, "notices", target)
    if kind == "programmes" and isinstance(data.get("spec"), str):
        yield Reference(("spec",), "specs", data["spec"])
    if kind == "specs" and isinstance(data.get("replaced_by"), str):
        yield Reference(("replaced_by",), "specs", data["replaced_by"])
    unit_field = {"bases": "operator", "studios": "host"}.get(kind)
    if unit_field:
        target = get_path(data, (unit_field, "institution"))
        if isinstance(target, str):
            yield Reference((unit_field, "institution"), "institutions", target)


def occupation_uses(kind: str, data: dict[str, Any]) -> Iterator[tuple[FieldPath, str, list[str]]]:
    """Every occupation code a record uses, with the levels it claims for it."""
    if kind == "programmes":
        code = get_path(data, ("occupation", "code"))
        if isinstance(code, str):
            levels = [lv.get("level") for lv in data.get("levels") or [] if isinstance(lv, dict) and lv.get("level")]
            yield ("occupation", "code"), code, levels
    elif kind in ("institutions", "assessors"):
        field = "offerings" if kind == "institutions" else "scope"
        for i, item in enumerate(data.get(field) or []):
            if isinstance(item, dict) and isinstance(item.get("occupation"), str):
                yield (field, i, "occupation"), item["occupation"], list(item.get("levels") or [])
    elif kind == "bases":
        for i, code in enumerate(data.get("occupations") or []):
            if isinstance(code, str):
                yield ("occupations", i), code, []
    elif kind == "studios":
        code = get_path(data, ("master", "occupation"))
        if isinstance(code, str):
            yield ("master", "occupation"), code, []
    elif kind == "specs" and isinstance(data.get("occupation"), str):
        yield ("occupation",), data["occupation"], []


def credit_codes(kind: str, data: dict[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    """Every unified social credit code a record carries."""
    if KIND_BY_NAME[kind].keyed_by_credit_code and isinstance(data.get("id"), str):
        yield ("id",), data["id"]
    unit_field = {"bases": "operator", "studios": "host"}.get(kind)
    if unit_field:
        code = get_path(data, (unit_field, "credit_code"))
        if isinstance(code, str):
            yield (unit_field, "credit_code"), code
