"""The kinds of record a registry holds, and how records refer to one another."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mulu.core.loading import FieldPath, get_path, items


@dataclass(frozen=True)
class Kind:
    """One catalogue: a folder of one-record-per-file YAML validated by one schema."""

    name: str          # folder under registry/, also the key used everywhere in code
    schema: str        # file name under schemas/
    title: str         # Chinese name of the catalogue
    noun: str          # Chinese name of one record
    keyed_by_credit_code: bool = False   # the id is the body's unified social credit code
    unit_field: str | None = None        # the field naming the unit that runs it (a base's operator, a studio's host)


KINDS: tuple[Kind, ...] = (
    Kind("programmes", "programme.schema.json", "政府补贴培训目录", "培训项目"),
    Kind("institutions", "institution.schema.json", "培训机构目录", "培训机构", keyed_by_credit_code=True),
    Kind("assessors", "assessor.schema.json", "职业技能等级认定机构目录", "认定机构", keyed_by_credit_code=True),
    Kind("bases", "base.schema.json", "实训基地目录", "实训基地", unit_field="operator"),
    Kind("studios", "studio.schema.json", "技能大师工作室目录", "技能大师工作室", unit_field="host"),
    Kind("specs", "spec.schema.json", "专项职业能力考核规范目录", "考核规范"),
    Kind("notices", "notice.schema.json", "调整公告", "调整公告"),
    Kind("shortages", "shortage.schema.json", "急需紧缺职业（工种）目录", "紧缺职业目录"),
    Kind("qualifications", "qualification.schema.json", "国家职业资格目录", "职业资格"),
    Kind("demands", "demand.schema.json", "劳动者培训需求目录", "培训需求"),
    Kind("trainers", "trainer.schema.json", "师资库", "培训师资", unit_field="unit"),
)
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
# The kinds whose records are bodies identified by a credit code (institutions, assessors).
CREDIT_CODE_KINDS: tuple[str, ...] = tuple(k.name for k in KINDS if k.keyed_by_credit_code)
# The kinds whose records name a unit by credit code (bases, studios).
UNIT_KINDS: tuple[Kind, ...] = tuple(k for k in KINDS if k.unit_field)
# A record's recorded status; only a notice changes it (see docs/dev/kinds.md).
STATUSES: tuple[str, ...] = ("在册", "暂停", "已移出")



@dataclass(frozen=True)
class RecordRef:
    """``field`` of a record names record ``target_id`` of kind ``target_kind``."""

    field: FieldPath
    target_kind: str
    target_id: str


def references(kind: str, data: dict[str, Any]) -> Iterator[RecordRef]:
    """Every reference a record makes to another record, with the field that makes it."""
    for path in (("listed", "notice"), ("status_change", "notice")):
        target = get_path(data, path)
        if isinstance(target, str):
            yield RecordRef(path, "notices", target)
    if kind in ("programmes", "demands") and isinstance(data.get("spec"), str):
        yield RecordRef(("spec",), "specs", data["spec"])
    if kind == "specs" and isinstance(data.get("replaced_by"), str):
        yield RecordRef(("replaced_by",), "specs", data["replaced_by"])
    # Editions: a record names the edition notice it belongs to; an edition notice the one it replaces.
    edition_ref = ("edition", "replaces") if kind == "notices" else ("edition",)
    if isinstance(get_path(data, edition_ref), str):
        yield RecordRef(edition_ref, "notices", get_path(data, edition_ref))
    unit_field = KIND_BY_NAME[kind].unit_field
    if unit_field:
        target = get_path(data, (unit_field, "institution"))
        if isinstance(target, str):
            yield RecordRef((unit_field, "institution"), "institutions", target)


def occupation_uses(kind: str, data: dict[str, Any]) -> Iterator[tuple[FieldPath, str, list[str]]]:
    """Every occupation code a record uses, with the levels it claims for it."""
    if kind == "programmes":
        code = get_path(data, ("occupation", "code"))
        if isinstance(code, str):
            levels = [str(lv["level"]) for lv in items(data.get("levels")) if isinstance(lv, dict) and lv.get("level")]
            yield ("occupation", "code"), code, levels
    elif kind in CREDIT_CODE_KINDS:
        field = "offerings" if kind == "institutions" else "scope"
        for i, item in enumerate(items(data.get(field))):
            if isinstance(item, dict) and isinstance(item.get("occupation"), str):
                yield (field, i, "occupation"), item["occupation"], list(items(item.get("levels")))
    elif kind == "bases":
        for i, code in enumerate(items(data.get("occupations"))):
            if isinstance(code, str):
                yield ("occupations", i), code, []
    elif kind == "studios":
        code = get_path(data, ("master", "occupation"))
        if isinstance(code, str):
            yield ("master", "occupation"), code, []
    elif kind == "specs" and isinstance(data.get("occupation"), str):
        yield ("occupation",), data["occupation"], []
    elif kind == "trainers":
        for i, item in enumerate(items(data.get("occupations"))):
            if isinstance(item, dict) and isinstance(item.get("occupation"), str):
                yield ("occupations", i, "occupation"), item["occupation"], list(items(item.get("levels")))
    elif kind == "qualifications":
        for i, code in enumerate(items(data.get("occupations"))):
            if isinstance(code, str):
                yield ("occupations", i), code, []
    elif kind == "demands" and isinstance(data.get("occupation"), str):
        yield ("occupation",), data["occupation"], [str(data["level"])] if isinstance(data.get("level"), str) else []
    elif kind == "shortages":
        for i, item in enumerate(items(data.get("entries"))):
            if isinstance(item, dict) and isinstance(item.get("occupation"), str):
                yield ("entries", i, "occupation"), item["occupation"], list(items(item.get("levels")))


def credit_codes(kind: str, data: dict[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    """Every unified social credit code a record carries."""
    if KIND_BY_NAME[kind].keyed_by_credit_code and isinstance(data.get("id"), str):
        yield ("id",), data["id"]
    unit_field = KIND_BY_NAME[kind].unit_field
    if unit_field:
        code = get_path(data, (unit_field, "credit_code"))
        if isinstance(code, str):
            yield (unit_field, "credit_code"), code
