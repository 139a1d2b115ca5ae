"""Synthetic registries for scale work: N valid records, deterministic for a seed."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from mulu.core.creditcode import ALPHABET, check_character
from mulu.core.reference import Occupation, Reference

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海波宁雪梅"
WORDS = "金桥 华信 长城 东方 龙江 松花 辽河 渤海 燕赵 齐鲁 鲁中 北辰 启航 匠心 恒达 鼎盛 博雅 卓越 新星 远航".split()
KIND_SHARE = {"programmes": 0.25, "institutions": 0.3, "assessors": 0.15, "bases": 0.1, "studios": 0.1, "specs": 0.1}


def credit_code(rng: random.Random, prefix: str, region: str) -> str:
    """A credit code with a correct check character."""
    body = prefix + region + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def reference_contains(jurisdiction: str, region: str) -> bool:
    """Whether ``region`` lies in ``jurisdiction`` by its code (province xx0000, prefecture xxxx00)."""
    if jurisdiction.endswith("0000"):
        return region[:2] == jurisdiction[:2]
    if jurisdiction.endswith("00"):
        return region[:4] == jurisdiction[:4]
    return region == jurisdiction


class _Maker:
    def __init__(self, rng: random.Random, regions: list[str], occupations: list[Occupation],
                 notices: list[tuple[str, str]]) -> None:
        self.rng, self.regions, self.occupations, self.notices = rng, regions, occupations, notices
        # Programme catalogue sections per jurisdiction (config.yml programme_sections), by region.
        self.sections: dict[str, tuple[str, ...]] = {}

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2)))

    def common(self, rid: str, name: str) -> dict[str, Any]:
        notice, issued = self.rng.choice(self.notices)
        return {"id": rid, "name": name, "region": self.rng.choice(self.regions), "status": "在册",
                "listed": {"date": issued, "notice": notice}, "maintainers": [f"acct-{rid[-8:].lower()}"]}

    def offering(self) -> dict[str, Any]:
        occ = self.rng.choice(self.occupations)
        return {"occupation": occ.code, "levels": sorted(self.rng.sample(occ.levels, k=min(2, len(occ.levels))),
                                                           key=occ.levels.index)}

    def programme(self, i: int) -> dict[str, Any]:
        occ = self.occupations[i % len(self.occupations)]
        rec = self.common(f"syn-p{i:06d}", f"{occ.name}培训项目{i}")
        rec["occupation"] = {"code": occ.code, "edition": occ.edition}
        rec["category"] = self.rng.choice(["就业技能培训", "岗位技能提升培训"])
        base = [700, 1000, 1500, 2000, 3000]
        rec["levels"] = [{"level": lv, "hours": 80 + 40 * k, "subsidy": base[min(k, 4)],
                          "certificate": "职业技能等级证书"} for k, lv in enumerate(occ.levels)]
        names = next((v for j, v in self.sections.items() if reference_contains(j, rec["region"])), None)
        if names:
            rec["section"] = self.rng.choice(names)
        rec["effective"] = rec["listed"]["date"]
        rec["notes"] = f"第{i}号合成项目：面向城乡劳动者开展{occ.name}技能培训，培训合格后参加等级认定。"
        return rec

    def institution(self, i: int) -> dict[str, Any]:
        region = self.rng.choice(self.regions)
        code = credit_code(self.rng, "52", region)
        rec = self.common(code, f"{self.rng.choice(WORDS)}职业技能培训学校第{i}分校")
        rec["region"] = region
        rec["type"] = self.rng.choice(["民办职业培训机构", "技工院校", "职业院校", "企业培训中心"])
        rec["address"] = f"合成路{i}号"
        rec["licence"] = {"number": f"人社民{i:08d}", "issuer": "人力资源和社会保障局",
                          "valid_from": "2022-01-01", "valid_to": "2027-12-31"}
        rec["offerings"] = [self.offering() for _ in range(self.rng.randint(1, 3))]
        rec["subsidised"] = bool(i % 2)
        rec["contact"] = {"person": self.person(), "phone": f"0451-{8600000 + i}"}
        return rec

    def assessor(self, i: int) -> dict[str, Any]:
        region = self.rng.choice(self.regions)
        rec = self.common(credit_code(self.rng, "91", region), f"{self.rng.choice(WORDS)}集团有限公司（认定{i}）")
        rec["region"] = region
        rec["type"] = "用人单位"
        rec["filing_number"] = f"人社认备〔2024〕{i}号"
        rec["scope"] = [self.offering()]
        rec["valid_from"], rec["valid_to"] = "2024-01-01", "2028-12-31"
        return rec

    def unit(self) -> dict[str, Any]:
        return {"name": f"{self.rng.choice(WORDS)}实业有限公司",
                "credit_code": credit_code(self.rng, "91", self.rng.choice(self.regions))}

    def base(self, i: int) -> dict[str, Any]:
        rec = self.common(f"syn-b{i:06d}", f"{self.rng.choice(WORDS)}公共实训基地{i}")
        rec.update({"category": "公共实训基地", "level": self.rng.choice(["省级", "市级", "县级"]),
                    "operator": self.unit(), "floor_area_m2": self.rng.randint(3000, 30000),
                    "workstations": self.rng.randint(100, 2000),
                    "occupations": sorted({o.code for o in self.rng.sample(self.occupations, 3)}),
                    "approval_year": 2023, "funding": 2000000})
        return rec

    def studio(self, i: int) -> dict[str, Any]:
        master = self.person()
        occ = self.rng.choice(self.occupations)
        rec = self.common(f"syn-s{i:06d}", f"{master}技能大师工作室（{i}）")
        rec.update({"master": {"name": master, "occupation": occ.code}, "host": self.unit(),
                    "level": self.rng.choice(["省级", "市级"]), "batch_year": 2023, "subsidy": 100000,
                    "valid_from": "2023-06-01", "valid_to": "2026-05-31"})
        return rec

    def spec(self, i: int) -> dict[str, Any]:
        rec = self.common(f"syn-z{i:06d}", f"手工制作{i}")
        rec.update({"number": f"ZX-{i:05d}", "definition": "运用手工工具，在作坊内进行手工制作的能力。",
                    "target": "城乡劳动者", "version": "1.0", "effective": rec["listed"]["date"],
                    "competencies": [{"task": f"任务{k}", "norms": "按规范操作", "knowledge": "相关知识",
                                      "weight": w} for k, w in enumerate((30, 30, 40), 1)],
                    "assessment": {"method": "实际操作", "duration_minutes": 90, "examiners": 3, "venue": "实训室"}})
        return rec


def _notice(i: int, day: date, region: str) -> dict[str, Any]:
    return {"id": f"syn-n{i:04d}", "name": f"关于调整职业技能培训目录的通知（第{i}批）", "region": region,
            "number": f"合人社字〔{day.year}〕{i}号", "issuer": "合成市人力资源和社会保障局",
            "date": day.isoformat(), "summary": f"第{i}批目录调整。", "maintainers": ["hrss-admin"]}


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")


def generate(source: Path, dest: Path, n: int, seed: int = 0, editions: int = 0) -> dict[str, int]:
    """Write a project with ``n`` records (plus notices) to ``dest``, copying the code lists,
    config and schemas of the project at ``source``. Returns the count per kind.

    With ``editions``, ``dest`` becomes a git repository: the records are committed, then each
    jurisdiction's programme catalogue is published ``editions`` times (one commit each), every
    edition changing some subsidies, leaving some programmes out and adding new ones."""
    from mulu.core.config import parse_config
    from mulu.core.loading import OPTIONAL_REFERENCE_FILES, REFERENCE_FILES, load_file
    from mulu.core.reference import build_reference

    rng = random.Random(seed)
    programmes: dict[str, dict[str, Any]] = {}
    (dest / "registry").mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "schemas", dest / "schemas", dirs_exist_ok=True)
    shutil.copytree(source / "registry" / "reference", dest / "registry" / "reference", dirs_exist_ok=True)
    shutil.copy2(source / "registry" / "config.yml", dest / "registry" / "config.yml")
    docs = {name: load_file(dest / "registry" / "reference" / f"{name}.yml", name)[0]
            for name in REFERENCE_FILES + OPTIONAL_REFERENCE_FILES
            if (dest / "registry" / "reference" / f"{name}.yml").is_file()}
    reference, _ = build_reference({k: v for k, v in docs.items() if v is not None})
    regions = sorted(c for c in reference.regions if c[:2] in ("23", "22", "21", "13") or c.startswith("3703"))
    start = date(2022, 1, 3)
    notices = [_notice(i, start + timedelta(days=7 * i), rng.choice(regions)) for i in range(max(8, n // 50))]
    maker = _Maker(rng, regions, list(reference.occupations.values()),
                   [(x["id"], x["date"]) for x in notices])
    config, _ = load_file(dest / "registry" / "config.yml", "config.yml")
    maker.sections = dict(parse_config(config.data if config is not None else None).programme_sections)
    makers: dict[str, Callable[[int], dict[str, Any]]] = {
        "programmes": maker.programme, "institutions": maker.institution, "assessors": maker.assessor,
        "bases": maker.base, "studios": maker.studio, "specs": maker.spec}
    counts = {"notices": len(notices)}
    (dest / "registry" / "notices").mkdir(exist_ok=True)
    for notice in notices:
        _dump(dest / "registry" / "notices" / f"{notice['id']}.yml", notice)
    for kind, share in KIND_SHARE.items():
        folder = dest / "registry" / kind
        folder.mkdir(exist_ok=True)
        counts[kind] = max(1, round(n * share))
        for i in range(counts[kind]):
            rec = makers[kind](i)
            _dump(folder / f"{rec['id']}.yml", rec)
            if kind == "programmes" and editions:
                programmes[rec["id"]] = rec
    if editions:
        counts["editions"] = _publish_editions(dest, editions, rng, maker, reference, programmes)
    return counts


def _publish_editions(dest: Path, editions: int, rng: random.Random, maker: _Maker, reference: Reference,
                      programmes: dict[str, dict[str, Any]]) -> int:
    """Commit the registry, then ``editions`` editions per jurisdiction, one commit each."""
    from mulu.core.config import parse_config
    from mulu.core.loading import load_file
    from mulu.history.git import commit_all, init_repository

    config, _ = load_file(dest / "registry" / "config.yml", "config")
    jurisdictions = parse_config(config.data if config is not None else None).jurisdictions
    repo = init_repository(dest)
    commit_all(repo, "合成目录")
    folder, notices = dest / "registry" / "programmes", dest / "registry" / "notices"
    regions = {j: [c for c in maker.regions if reference.in_region(c, j)] or [j] for j in jurisdictions}
    next_id = len(programmes)
    published = 0
    for e in range(1, editions + 1):
        year = 2025 + e      # after every synthetic listing date (2022-2025)
        for j in jurisdictions:
            nid, effective = f"syn-ed-{j}-{e}", f"{year}-01-01"
            name = f"{year}年版"
            notice = _notice(1000 + published, date(year - 1, 12, 15), j)
            notice.update(id=nid, name=f"关于公布{year}年度政府补贴培训目录的通知", effective=effective,
                          edition={"kind": "programmes", "region": j, "name": name, "effective": effective,
                                   **({"replaces": f"syn-ed-{j}-{e - 1}"} if e > 1 else {})})
            _dump(notices / f"{nid}.yml", notice)
            scope = [r for r in programmes.values() if r["status"] == "在册" and reference.in_region(r["region"], j)]
            for rec in scope:
                if rng.random() < 0.03:      # left out of this edition
                    rec["status"] = "已移出"
                    rec["status_change"] = {"date": effective, "notice": nid, "reason": f"未列入{name}"}
                else:
                    rec["edition"], rec["effective"] = nid, effective
                    if rng.random() < 0.1:   # a subsidy adjusted
                        level = rng.choice(rec["levels"])
                        level["subsidy"] = max(100, level["subsidy"] + rng.choice((100, 200, -50)))
                _dump(folder / f"{rec['id']}.yml", rec)
            for _ in range(max(1, len(scope) // 30)):
                rec = maker.programme(next_id)
                next_id += 1
                rec.update(region=rng.choice(regions[j]), listed={"date": effective, "notice": nid},
                           effective=effective, edition=nid)
                programmes[rec["id"]] = rec
                _dump(folder / f"{rec['id']}.yml", rec)
            commit_all(repo, f"{j} {name}")
            published += 1
    return published
