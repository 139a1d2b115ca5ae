"""What the public site may show of people: with ``privacy.mask_trainer_names`` in config.yml,
every trainer's name is masked (王*明) in everything the site renders — pages, catalogue rows,
downloads, the API, feeds and the changelog — because all of them are made from the registry
and history handed to the providers here, never from the files."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mulu.core.registry import Link, Record, Registry
from mulu.history.diff import FieldChange, RecordChange
from mulu.history.log import History
from mulu.site.model import SiteContext

MASKED_KINDS = ("trainers",)


def mask_name(name: str) -> str:
    """王晓明 -> 王*明, 王明 -> 王*, 欧阳明华 -> 欧**华 (one character is left as it is)."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _masked_record(record: Record) -> Record:
    return replace(record, data={**record.data, "name": mask_name(str(record.data.get("name", "")))})


def _masked_change(change: RecordChange) -> RecordChange:
    if change.kind not in MASKED_KINDS:
        return change

    def value(v: Any) -> Any:
        return mask_name(v) if isinstance(v, str) else v

    fields = [FieldChange(f.path, value(f.old), value(f.new)) if f.path == ("name",) else f for f in change.fields]
    return replace(change, name=mask_name(change.name), fields=fields)


def public_view(registry: Registry, ctx: SiteContext) -> tuple[Registry, SiteContext]:
    """The registry and context the site renders: unchanged unless names are to be masked."""
    if not registry.config.mask_trainer_names or not any(registry.records.get(k) for k in MASKED_KINDS):
        return registry, ctx
    swap: dict[int, Record] = {}
    records = {}
    for kind, by_id in registry.records.items():
        if kind in MASKED_KINDS:
            records[kind] = {rid: swap.setdefault(id(r), _masked_record(r)) for rid, r in by_id.items()}
        else:
            records[kind] = by_id

    def link(item: Link) -> Link:
        return Link(swap.get(id(item.source), item.source), item.field, swap.get(id(item.target), item.target))

    links_from = {k: [link(x) for x in v] for k, v in registry.links_from.items()}
    links_to = {k: [link(x) for x in v] for k, v in registry.links_to.items()}
    masked = replace(registry, records=records, links_from=links_from, links_to=links_to)
    history = ctx.extras.get("history")
    if isinstance(history, History) and history.available:
        steps = [replace(step, changes=[_masked_change(c) for c in step.changes]) for step in history.steps]
        ctx = replace(ctx, extras={**ctx.extras, "history": History(history.available, history.note, history.revision,
                                                                     steps)})
    return masked, ctx
