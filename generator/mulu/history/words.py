"""Words for changes: Chinese field labels and readable values, shared by the site, the
feeds and ``mulu diff`` (each escapes for its own output format)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mulu.history.diff import ACTIONS, RecordChange, keyed_path_name

Labeller = Callable[[tuple[str, ...]], str]   # e.g. Schema.label
ABSENT = "（无）"


def field_label(path: tuple[str, ...], label: Labeller | None) -> str:
    """Chinese name of a changed field: ``各等级标准（四级）› 补贴标准（元/人）``.

    ``label`` maps a path of keys to the schema's title (list selectors are left out and
    shown after the list's own title); without one, the machine name is used."""
    if label is None:
        return keyed_path_name(path)
    parts: list[str] = []
    keys: tuple[str, ...] = ()
    for part in path:
        if part.startswith("[") and parts:
            inner = part[1:-1]
            parts[-1] += f"（第{int(inner) + 1}项）" if inner.isdigit() else f"（{inner}）"
        elif not part.startswith("["):
            keys += (part,)
            parts.append(label(keys))
    return " › ".join(parts) or "记录"


def format_value(value: Any) -> str:
    """A value as a reader would write it: 是/否, lists joined with 、, absent as （无）."""
    if value is None:
        return ABSENT
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(format_value(v) for v in value) if value else ABSENT
    if isinstance(value, dict):
        return "；".join(f"{k}：{format_value(v)}" for k, v in value.items()) if value else ABSENT
    return str(value)


def action_label(action: str) -> str:
    """新增, 修改, 暂停, 移出, 恢复, 更名 or 删除."""
    return ACTIONS.get(action, action)


def field_lines(change: RecordChange, label: Labeller | None) -> list[tuple[str, str, str, str]]:
    """(machine field, Chinese label, old text, new text) for each field change."""
    return [(f.field, field_label(f.path, label), format_value(f.old), format_value(f.new)) for f in change.fields]


def counts(changes: list[RecordChange]) -> dict[str, int]:
    """Number of changes per action, in the fixed action order, zero counts left out."""
    out = {a: 0 for a in ACTIONS}
    for change in changes:
        out[change.action] = out.get(change.action, 0) + 1
    return {a: n for a, n in out.items() if n}


def counts_text(changes: list[RecordChange]) -> str:
    """``新增 3 条，修改 1 条``."""
    return "，".join(f"{action_label(a)} {n} 条" for a, n in counts(changes).items()) or "无记录变动"

