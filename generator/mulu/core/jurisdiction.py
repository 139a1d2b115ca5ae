"""One jurisdiction's part of a registry, for a site of its own (``mulu build --jurisdiction``).

A deployment whose site outgrows a host's limit publishes one site per province or city
instead. The whole registry is validated as always; the split only chooses what a site
shows: the records within the jurisdiction, the national ones (全国: 职业资格目录 and the
notices behind it), and every record those refer to, so that no link of a kept record
leads nowhere.
"""

from __future__ import annotations

import dataclasses

from mulu.core.reference import NATIONAL
from mulu.core.registry import Link, Record, Registry
from mulu.errors import MuluError


def belongs(registry: Registry, region: str, code: str) -> bool:
    """Whether a record of ``region`` is shown on the site of jurisdiction ``code``:
    within it, national, or of no region at all (reference kinds)."""
    return not region or region == NATIONAL or registry.reference.in_region(region, code)


def restrict(registry: Registry, code: str, site_url: str = "") -> Registry:
    """The registry a site for jurisdiction ``code`` publishes; its title names the
    jurisdiction, and its address is ``site_url`` (default: the configured one + ``<code>/``)."""
    if code not in registry.reference.regions or code == NATIONAL:
        raise MuluError(f"找不到行政区划代码 {code}：请用 registry/reference/regions.yml 中的省级或地市级代码，"
                        "例如 370000（山东省）或 370300（淄博市）。")
    wanted = [r for r in registry.all_records() if belongs(registry, r.region, code)]
    kept: set[tuple[str, str]] = set()
    while wanted:   # records kept, then whatever they refer to
        record = wanted.pop()
        if (record.kind, record.id) in kept:
            continue
        kept.add((record.kind, record.id))
        wanted += [link.target for link in registry.links_from.get((record.kind, record.id), [])]
    records = {kind: {rid: r for rid, r in by_id.items() if (kind, rid) in kept}
               for kind, by_id in registry.records.items()}

    def within(links: dict[tuple[str, str], list[Link]]) -> dict[tuple[str, str], list[Link]]:
        return {key: found for key, links_of in links.items() if key in kept
                if (found := [x for x in links_of if _key(x.source) in kept and _key(x.target) in kept])}

    name = registry.reference.region_name(code)
    config = registry.config
    config = dataclasses.replace(
        config, title=f"{config.title}·{name}",
        site_url=site_url or (config.site_url.rstrip("/") + f"/{code}/" if config.site_url else ""),
        jurisdictions=tuple(j for j in config.jurisdictions if belongs(registry, j, code)) or (code,))
    return dataclasses.replace(registry, config=config, records=records,
                               links_from=within(registry.links_from), links_to=within(registry.links_to))


def _key(record: Record) -> tuple[str, str]:
    return record.kind, record.id
