"""Domain rules that a JSON Schema cannot express. Each rule yields problems for one record."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mulu.core import creditcode
from mulu.core.kinds import KIND_BY_NAME, credit_codes, occupation_uses, references
from mulu.core.loading import Document, FieldPath, field_name, get_path
from mulu.core.problems import Problem
from mulu.core.reference import Reference


@dataclass(frozen=True)
class Context:
    """What rules may look at besides the record itself."""

    reference: Reference
    ids: dict[str, set[str]]             # kind -> record ids present
    notice_dates: dict[str, str]         # notice id -> date
    editions: dict[str, dict[str, Any]] = field(default_factory=dict)   # edition notice id -> its ``edition``
    jurisdictions: tuple[str, ...] = ()  # config.yml jurisdictions (editions are published per jurisdiction)


Found = Iterator[tuple[FieldPath, str]]
Rule = Callable[[str, dict[str, Any], Context], Found]


def credit_code_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Check characters of credit codes, with an explicit documented exception."""
    exception = data.get("credit_code_exception")
    failing = False
    for path, code in credit_codes(kind, data):
        if len(code) != 18 or any(c not in creditcode.ALPHABET for c in code):
            continue  # the schema's pattern already says what is wrong
        if creditcode.is_valid(code):
            continue
        if path == ("id",) and exception:
            failing = True
            continue
        expected = creditcode.check_character(code[:17])
        yield path, (f"统一社会信用代码 {code} 的校验位不对（按 GB 32100-2015 计算应为 {expected}）：请核对营业执照或登记证书。"
                     "若代码确系合法颁发（如早期试点代码），请在记录中添加 credit_code_exception 并写明原因。")
    if exception and not failing and KIND_BY_NAME[kind].keyed_by_credit_code:
        yield ("credit_code_exception",), "这个信用代码能通过校验，不需要 credit_code_exception：请删除它。"


def region_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Region codes must exist in the reference list."""
    code = data.get("region")
    if isinstance(code, str) and len(code) == 6 and code not in ctx.reference.regions:
        yield ("region",), (f"行政区划代码 {code} 不存在：请在 registry/reference/regions.yml 中查找正确的六位代码"
                            "（已撤销的区划代码不能使用）。")


def occupation_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Occupations must exist, in the stated edition, with the levels they really have."""
    edition = get_path(data, ("occupation", "edition")) if kind == "programmes" else None
    for path, code, levels in occupation_uses(kind, data):
        occ = ctx.reference.occupations.get(code)
        if occ is None:
            yield path, f"职业编码 {code} 不在职业代码表中：请对照《国家职业分类大典》核对，或请审核人把它加入 registry/reference/occupations.yml。"
            continue
        if edition and edition != occ.edition:
            yield ("occupation", "edition"), f"职业编码 {code}（{occ.name}）在代码表中属于 {occ.edition} 年版大典，不是 {edition} 年版。"
        for level in levels:
            if level not in occ.levels:
                yield path, f"职业“{occ.name}”（{code}）没有“{level}”这个等级，只设有：{'、'.join(occ.levels)}。"


def reference_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Every reference to another record must resolve."""
    for ref in references(kind, data):
        if ref.target_id not in ctx.ids.get(ref.target_kind, set()):
            noun = KIND_BY_NAME[ref.target_kind].noun
            yield ref.field, f"找不到编号为“{ref.target_id}”的{noun}：请核对编号（registry/{ref.target_kind}/ 下的文件名，不含 .yml）。"


def status_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Suspended and withdrawn records must say when, by which notice and why."""
    status = data.get("status")
    if status in ("暂停", "已移出") and "status_change" not in data:
        yield ("status",), (f"状态为“{status}”时必须填写 status_change：变更日期（date）、依据公告（notice）和原因（reason）。"
                            "记录不要删除，改为“已移出”即可保留历史。")


def _dates(kind: str, data: dict[str, Any], ctx: Context) -> Iterator[tuple[FieldPath, FieldPath, str]]:
    yield ("listed", "date"), ("status_change", "date"), "状态变更日期不能早于列入日期"
    for prefix in ((), ("licence",)):
        yield prefix + ("valid_from",), prefix + ("valid_to",), "有效期止不能早于有效期起"
    if kind == "notices":
        yield ("date",), ("effective",), "生效日期不能早于发文日期"


def date_order_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Dates must be in order, and a record cannot be listed before its notice was issued."""
    for first, second, message in _dates(kind, data, ctx):
        a, b = get_path(data, first), get_path(data, second)
        if isinstance(a, str) and isinstance(b, str) and b < a:
            yield second, f"{message}（{b} 早于 {a}）。"
    for path in (("listed",), ("status_change",)):
        date, notice = get_path(data, (*path, "date")), get_path(data, (*path, "notice"))
        issued = ctx.notice_dates.get(notice) if isinstance(notice, str) else None
        if isinstance(date, str) and issued and date < issued:
            yield path + ("date",), f"日期 {date} 早于所依据公告“{notice}”的发文日期 {issued}：请核对日期或公告编号。"


def programme_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """A programme is either an occupation at levels, or one special-ability spec."""
    if kind != "programmes":
        return
    has_occ, has_spec = "occupation" in data, "spec" in data
    levels = [lv for lv in data.get("levels") or [] if isinstance(lv, dict)]
    if has_occ == has_spec:
        yield ("occupation",), "职业（occupation）和专项职业能力考核规范（spec）必须且只能填一个。"
        return
    if has_spec:
        if data.get("category") != "专项职业能力培训":
            yield ("category",), "填写了 spec 的项目，培训类别应为“专项职业能力培训”。"
        for i, lv in enumerate(levels):
            if "level" in lv:
                yield ("levels", i, "level"), "专项职业能力项目不分等级：请删除 level。"
        return
    seen: set[str] = set()
    for i, lv in enumerate(levels):
        level = lv.get("level")
        if level is None:
            yield ("levels", i), "职业培训项目的每个等级标准都要写明等级（level）。"
        elif level in seen:
            yield ("levels", i, "level"), f"等级“{level}”重复出现：每个等级只写一次。"
        else:
            seen.add(level)


def weights_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Competency weights of a specification add up to 100%."""
    if kind != "specs":
        return
    weights = [c.get("weight") for c in data.get("competencies") or [] if isinstance(c, dict)]
    numbers = [w for w in weights if isinstance(w, int)]
    if numbers and len(numbers) == len(weights) and sum(numbers) != 100:
        yield ("competencies",), f"各工作任务的考核比重之和应为 100%，现在是 {sum(numbers)}%：请调整 weight。"


# -- editions (issue 14): a notice publishing a whole catalogue, and the records naming it ----------

def _same_scope(ctx: Context, edition: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every edition (notice id, edition) of the same catalogue kind and jurisdiction."""
    return [(nid, e) for nid, e in ctx.editions.items()
            if e.get("kind") == edition.get("kind") and e.get("region") == edition.get("region")]


def edition_notice_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """An edition notice: a known jurisdiction, a unique name, and a chain of editions in date order."""
    edition = data.get("edition")
    if kind != "notices" or not isinstance(edition, dict):
        return
    me, region, effective = data.get("id"), edition.get("region"), edition.get("effective")
    if isinstance(region, str) and ctx.jurisdictions and region not in ctx.jurisdictions:
        yield ("edition", "region"), (f"版本辖区 {region} 不是本目录的辖区（config.yml 的 jurisdictions："
                                      f"{'、'.join(ctx.jurisdictions)}）：请改为其中之一。")
    date = data.get("date")
    if isinstance(date, str) and isinstance(effective, str) and effective < date:
        yield ("edition", "effective"), f"版本生效日期 {effective} 早于发文日期 {date}：请核对。"
    others = [(nid, e) for nid, e in _same_scope(ctx, edition) if nid != me]
    for nid, other in others:
        if other.get("name") == edition.get("name"):
            yield ("edition", "name"), (f"同一目录同一辖区已有名为“{edition.get('name')}”的版本（公告 {nid}）："
                                        "版本名称不能重复，请改名（例如写明年份）。")
        if other.get("effective") == effective:
            yield ("edition", "effective"), f"与版本“{other.get('name')}”（公告 {nid}）的生效日期相同：同一目录的各版本须先后生效。"
        if me is not None and other.get("replaces") == edition.get("replaces") and edition.get("replaces") \
                and str(other.get("effective")) < str(effective):
            yield ("edition", "replaces"), (f"公告 {nid} 的版本已经取代“{edition.get('replaces')}”：每个版本只能被取代一次，"
                                            f"请把 replaces 改为 {nid}。")
    replaces = edition.get("replaces")
    if isinstance(replaces, str):
        if replaces == me:
            yield ("edition", "replaces"), "版本不能取代它自己：请填写上一版目录的公告编号。"
        elif replaces in ctx.notice_dates and replaces not in ctx.editions:
            yield ("edition", "replaces"), f"公告“{replaces}”没有发布目录版本（没有 edition）：请填写上一版目录的公告编号。"
        elif replaces in ctx.editions:
            old = ctx.editions[replaces]
            if (old.get("kind"), old.get("region")) != (edition.get("kind"), edition.get("region")):
                yield ("edition", "replaces"), (f"公告“{replaces}”发布的是另一目录或另一辖区的版本"
                                                f"（{old.get('kind')}，{old.get('region')}）：只能取代同一目录同一辖区的上一版。")
            elif isinstance(effective, str) and str(old.get("effective", "")) >= effective:
                yield ("edition", "effective"), (f"版本生效日期 {effective} 不晚于所取代版本“{old.get('name')}”的生效日期 "
                                                 f"{old.get('effective')}：新版本须在上一版之后生效。")
    elif any(str(e.get("effective", "")) < str(effective) for _, e in others):
        earlier = max((e for _, e in others if str(e.get("effective", "")) < str(effective)),
                      key=lambda e: str(e.get("effective", "")))
        yield ("edition",), f"本目录在本辖区已有更早的版本“{earlier.get('name')}”：请用 replaces 写明本版取代的上一版公告。"


def superseding(ctx: Context, notice_id: str) -> str | None:
    """The edition notice that replaces ``notice_id``, if any."""
    return next((nid for nid, e in ctx.editions.items() if e.get("replaces") == notice_id), None)


def edition_record_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """A record names an edition of its own catalogue and jurisdiction; one still in force may not
    name a replaced edition (it would stand in two editions) unless ``edition_note`` says why."""
    target = data.get("edition")
    if kind == "notices" or not isinstance(target, str) or target not in ctx.notice_dates:
        return   # reference_rule reports unknown notices
    edition = ctx.editions.get(target)
    if edition is None:
        yield ("edition",), f"公告“{target}”没有发布目录版本（没有 edition）：请填写整版目录所依据的公告编号。"
        return
    if edition.get("kind") != kind:
        yield ("edition",), f"公告“{target}”发布的是 {edition.get('kind')} 的版本，不是本类目录的：请核对编号。"
    region, scope = data.get("region"), edition.get("region")
    if isinstance(region, str) and isinstance(scope, str) and not ctx.reference.in_region(region, scope):
        yield ("edition",), f"公告“{target}”的版本适用于辖区 {scope}，而本记录的地区是 {region}：请核对编号或地区。"
    newer = superseding(ctx, target)
    if newer and data.get("status") != "已移出" and not data.get("edition_note"):
        name = ctx.editions[newer].get("name")
        yield ("edition",), (f"所属版本“{edition.get('name')}”已被“{name}”（公告 {newer}）取代，本记录却仍为“{data.get('status')}”，"
                             f"同时算在两个版本里：列入新版的请把 edition 改为 {newer}；未列入的请依据该公告改为“已移出”"
                             "（mulu import --edition 会这样做）；确需继续执行的，请在 edition_note 中写明原因。")


RULES: tuple[Rule, ...] = (credit_code_rule, region_rule, occupation_rule, reference_rule, status_rule,
                           date_order_rule, programme_rule, weights_rule, edition_notice_rule, edition_record_rule)


def rule_problems(kind: str, doc: Document, ctx: Context) -> list[Problem]:
    """Run every rule on one record document."""
    out = []
    for rule in RULES:
        for path, message in rule(kind, doc.data, ctx):
            line, col = doc.position(path)
            out.append(Problem(doc.file, line, col, field_name(path), message, f"rule.{rule.__name__[:-5]}"))
    return out
