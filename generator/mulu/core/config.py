"""``registry/config.yml`` as a typed value, parsed once after it passed its schema.

Every module reads the project's settings from :class:`ProjectConfig` (on
``Registry.config``) instead of indexing the raw mapping, so a setting has one name, one
type and one default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mulu.core.kinds import KIND_BY_NAME, KINDS

DEFAULT_TITLE = "职业技能培训目录清单"


@dataclass(frozen=True)
class Catalogue:
    """One catalogue the site opens: a kind, its title and an optional description."""

    kind: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Repository:
    """Where the registry's source lives, for 申请修改 links and commit links."""

    url: str = ""
    edit: str = ""


@dataclass(frozen=True)
class Contact:
    """Who runs the site and how to reach them, for the footer (any may be empty)."""

    organizer: str = ""        # 主办单位
    phone: str = ""            # 咨询电话
    complaint_phone: str = ""  # 监督投诉电话


@dataclass(frozen=True)
class ProjectConfig:
    """The settings of one project (see ``schemas/config.schema.json`` for their meaning)."""

    title: str = DEFAULT_TITLE
    description: str = ""
    jurisdictions: tuple[str, ...] = ()
    repository: Repository = field(default_factory=Repository)
    site_url: str = ""
    contact: Contact = field(default_factory=Contact)
    reviewers: tuple[str, ...] = ()
    catalogues: tuple[Catalogue, ...] = ()
    # jurisdiction code -> the sections of its programme catalogue (重点产业指导目录 / 一般性目录)
    programme_sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mask_trainer_names: bool = False
    code_reviewers: tuple[str, ...] = ()
    department_accounts: tuple[str, ...] = ()
    # kind (or "all") -> field paths only a reviewer may change, e.g. "levels[].subsidy"
    reviewer_only_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    expiring_days: int = 60   # how many days ahead a validity counts as 即将到期
    # one api/v1/<kind>/<id>.json per record; large deployments publish only api/v1/<kind>.json
    api_per_record: bool = True

    def catalogue_kinds(self) -> list[str]:
        """The kinds published as catalogues, in configured order; every kind but notices when none is configured."""
        kinds = [c.kind for c in self.catalogues if c.kind in KIND_BY_NAME and c.kind != "notices"]
        return kinds or [k.name for k in KINDS if k.name != "notices"]

    def catalogue(self, kind: str) -> Catalogue:
        """The configured catalogue of ``kind``, or one titled after the kind."""
        found = next((c for c in self.catalogues if c.kind == kind), None)
        return found or Catalogue(kind, KIND_BY_NAME[kind].title if kind in KIND_BY_NAME else kind)


def _text(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None else str(value).strip()


def _accounts(value: Any) -> tuple[str, ...]:
    return tuple(str(v).strip().lstrip("@") for v in value or [] if isinstance(v, (str, int)) and not isinstance(v, bool))


def parse_config(data: Mapping[str, Any] | None) -> ProjectConfig:
    """The typed settings of a ``config.yml`` mapping (already checked against its schema;
    anything missing or malformed falls back to its default, so a lenient build still runs)."""
    data = data or {}
    repo = data.get("repository")
    repo = repo if isinstance(repo, Mapping) else {}
    contact = data.get("contact")
    contact = contact if isinstance(contact, Mapping) else {}
    privacy = data.get("privacy")
    privacy = privacy if isinstance(privacy, Mapping) else {}
    api = data.get("api")
    api = api if isinstance(api, Mapping) else {}
    days = data.get("expiring_days")
    marks = data.get("reviewer_only_fields")
    marks = marks if isinstance(marks, Mapping) else {}
    catalogues = tuple(Catalogue(str(c["kind"]), _text(c, "title") or _text(c, "kind"), _text(c, "description"))
                       for c in data.get("catalogues") or [] if isinstance(c, Mapping) and c.get("kind"))
    return ProjectConfig(
        title=_text(data, "title", DEFAULT_TITLE) or DEFAULT_TITLE,
        description=_text(data, "description"),
        jurisdictions=tuple(str(j) for j in data.get("jurisdictions") or []),
        repository=Repository(_text(repo, "url"), _text(repo, "edit")),
        site_url=_text(data, "site_url"),
        contact=Contact(_text(contact, "organizer"), _text(contact, "phone"), _text(contact, "complaint_phone")),
        reviewers=_accounts(data.get("reviewers")),
        catalogues=catalogues,
        programme_sections=_sections(data.get("programme_sections")),
        mask_trainer_names=bool(privacy.get("mask_trainer_names", False)),
        code_reviewers=_accounts(data.get("code_reviewers")),
        department_accounts=_accounts(data.get("department_accounts")),
        expiring_days=days if isinstance(days, int) and not isinstance(days, bool) and days >= 0 else 60,
        reviewer_only_fields={str(k): tuple(str(f) for f in v) for k, v in marks.items() if isinstance(v, list)},
        api_per_record=api.get("per_record") is not False,
    )


def _sections(raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        return {}
    return {str(code): tuple(str(s) for s in names) for code, names in raw.items() if isinstance(names, list)}
