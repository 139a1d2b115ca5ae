"""Domain rules that a JSON Schema cannot express. Each rule yields problems for one record."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mulu.core import creditcode
from mulu.core.kinds import KIND_BY_NAME, credit_codes, occupation_uses, references
from mulu.core.loading import Document, FieldPath, field_name, get_path, items, string_values
from mulu.core.problems import Problem, Severity
from mulu.core.reference import Reference
from mulu.core.shortages import ShortageEntry, as_of_date, programme_uplifts
from mulu.core.status import (
    BARRED_UNTIL,
    DEFAULT_EXPIRING_DAYS,
    EXPIRED,
    SUSPENSION_OVERDUE,
    UNTIL,
    effective_status,
)


@dataclass(frozen=True)
class Context:
    """What rules may look at besides the record itself."""

    # What other records say is read only through the Mapping/Set/Sequence interfaces, so that
    # core.incremental can watch which parts a record's rules looked at (its cache dependencies).
    reference: Reference
    ids: Mapping[str, AbstractSet[str]]  # kind -> record ids present
    notice_dates: Mapping[str, str]      # notice id -> date
    editions: Mapping[str, dict[str, Any]] = field(default_factory=dict)   # edition notice id -> its ``edition``
    jurisdictions: tuple[str, ...] = ()  # config.yml jurisdictions (editions are published per jurisdiction)
    spec_status: Mapping[str, str] = field(default_factory=dict)  # spec id -> recorded status
    as_of: date | None = None            # time warnings are given only when set
    expiring_days: int = DEFAULT_EXPIRING_DAYS
    shortages: Sequence[ShortageEntry] = ()   # entries of the listed shortage lists
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)   # jurisdiction -> programme sections


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
            near = "、".join(f"{o.code} {o.name}" for o in ctx.reference.nearest_occupations(code))
            hint = f"最接近的编码有：{near}。" if near else ""
            yield path, (f"职业编码 {code} 不是《国家职业分类大典》（2022 年版）中的职业：{hint}"
                         "请对照大典核对编码（registry/reference/occupations.yml 收录全部职业）。")
            continue
        if edition and edition != occ.edition:
            yield ("occupation", "edition"), f"职业编码 {code}（{occ.name}）在代码表中属于 {occ.edition} 年版大典，不是 {edition} 年版。"
        for level in levels:
            if level not in occ.levels:
                note = "" if occ.levels_known else (
                    "（该职业的等级设置尚未整理，暂按五级至一级接受；确有此等级的，请审核人写入"
                    " registry/reference/occupation_overlay.yml）")
                yield path, f"职业“{occ.name}”（{code}）没有“{level}”这个等级，只设有：{'、'.join(occ.levels)}{note}。"


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
    levels = [lv for lv in items(data.get("levels")) if isinstance(lv, dict)]
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
    weights = [c.get("weight") for c in items(data.get("competencies")) if isinstance(c, dict)]
    numbers = [w for w in weights if isinstance(w, int)]
    if numbers and len(numbers) == len(weights) and sum(numbers) != 100:
        yield ("competencies",), f"各工作任务的考核比重之和应为 100%，现在是 {sum(numbers)}%：请调整 weight。"


def subsidy_sanity_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Warnings: a higher level paying less than a lower one, an assessment fee above the subsidy."""
    if kind != "programmes":
        return
    rank = {name: i for i, name in enumerate(ctx.reference.levels)}
    paid: list[tuple[int, int, str]] = []   # (rank, index, level) of levels with a subsidy
    for i, lv in enumerate(items(data.get("levels"))):
        if not isinstance(lv, dict):
            continue
        subsidy, fee = lv.get("subsidy"), lv.get("assessment_fee")
        if isinstance(subsidy, int) and isinstance(fee, int) and fee > subsidy:
            yield ("levels", i, "assessment_fee"), (f"鉴定费 {fee} 元高于补贴标准 {subsidy} 元：鉴定费是补贴的一部分，"
                                                    "请核对两个金额（或单位是否写错）。")
        # 0 means "not subsidised" (a / in the published sheet), not a low amount.
        if isinstance(subsidy, int) and subsidy > 0 and lv.get("level") in rank:
            paid.append((rank[lv["level"]], i, lv["level"]))
    paid.sort()
    levels = items(data.get("levels"))
    for (_, lower_i, lower), (_, higher_i, higher) in zip(paid, paid[1:]):
        low, high = levels[lower_i]["subsidy"], levels[higher_i]["subsidy"]
        if high < low:
            yield ("levels", higher_i, "subsidy"), (f"{higher}的补贴标准 {high} 元低于{lower}的 {low} 元：等级越高，"
                                                    "补贴通常不低于下一级，请核对金额。")


def shortage_list_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Each entry of a shortage list gives its uplift one way, and names an occupation once."""
    if kind != "shortages":
        return
    seen: set[tuple[Any, Any]] = set()
    for i, entry in enumerate(items(data.get("entries"))):
        if not isinstance(entry, dict):
            continue
        has_percent, has_amount = "uplift_percent" in entry, "uplift_amount" in entry
        if has_percent == has_amount:
            yield ("entries", i), "每个紧缺职业的补贴上浮要写上浮比例（uplift_percent）或上浮金额（uplift_amount），且只写一个。"
        key = (entry.get("occupation"), entry.get("work_type"))
        if key in seen:
            yield ("entries", i, "occupation"), f"职业 {key[0]}{'（' + str(key[1]) + '）' if key[1] else ''} 在本目录中重复：每个职业（工种）只列一次。"
        seen.add(key)


def shortage_claim_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """A programme's shortage flag and uplift must be what a shortage list in force gives it."""
    if kind != "programmes" or not ("shortage" in data or "shortage_uplift_percent" in data):
        return
    claimed, percent = data.get("shortage"), data.get("shortage_uplift_percent")
    if claimed is False and percent is not None:
        yield ("shortage_uplift_percent",), "shortage 为 false 的项目不能有紧缺上浮比例：请删除 shortage_uplift_percent。"
        return
    if claimed is False:
        return
    day = ctx.as_of.isoformat() if ctx.as_of is not None else as_of_date()
    uplifts = programme_uplifts(data, ctx.shortages, ctx.reference, day)
    path = ("shortage",) if "shortage" in data else ("shortage_uplift_percent",)
    if not uplifts:
        code = get_path(data, ("occupation", "code"))
        yield path, (f"没有依据的紧缺上浮：{day} 生效的急需紧缺职业（工种）目录中，本项目所在地区没有列入职业 {code}。"
                     "紧缺上浮由目录推出，请删除 shortage 和 shortage_uplift_percent；如确已列入，"
                     "请把该职业加入 registry/shortages/ 中相应的目录。")
        return
    given = {u.entry.percent for u in uplifts}
    if isinstance(percent, int) and percent not in given:
        lists = "、".join(sorted({f"{u.entry.list_name}（{u.text}）" for u in uplifts}))
        yield ("shortage_uplift_percent",), (f"紧缺上浮比例写的是 {percent}%，但生效中的目录给出的是：{lists}。"
                                             "请删除 shortage_uplift_percent（上浮由目录推出），或核对目录。")


def demand_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """A training demand names an occupation (at a level) or one special-ability spec."""
    if kind != "demands":
        return
    if ("occupation" in data) == ("spec" in data):
        yield ("occupation",), "职业（occupation）和专项职业能力考核规范（spec）必须且只能填一个。"
    elif "spec" in data and "level" in data:
        yield ("level",), "专项职业能力不分等级：请删除 level。"


def section_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Programmes of a jurisdiction that splits its catalogue name one of its sections."""
    if kind != "programmes" or not isinstance(data.get("region"), str):
        return
    region = data["region"]
    jurisdiction = next((j for j in ctx.sections if ctx.reference.in_region(region, j)), None)
    section = data.get("section")
    if jurisdiction is None:
        if section is not None:
            yield ("section",), (f"{ctx.reference.region_name(region)}的培训项目目录没有分区：请删除 section"
                                 "（分区在 registry/config.yml 的 programme_sections 中按辖区设置）。")
        return
    allowed = ctx.sections[jurisdiction]
    if section is None:
        yield ("region",), (f"{ctx.reference.region_name(jurisdiction)}的培训项目目录分为：{'、'.join(allowed)}。"
                            "请用 section 写明本项目属于哪一个。")
    elif section not in allowed:
        yield ("section",), f"目录分区只能是以下之一：{'、'.join(allowed)}；现在是“{section}”。"


ONLINE_PLATFORM = "线上培训平台"


def online_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """An online platform states its URL, operator, filing number and audit status and has no
    street address; every other institution has an address."""
    if kind != "institutions" or not isinstance(data.get("type"), str):
        return
    if data["type"] == ONLINE_PLATFORM:
        if "online" not in data:
            yield ("type",), ("线上培训平台必须填写 online：平台网址（url）、运营单位（operator）、备案号（filing_number）"
                              "和审核状态（audit_status）。")
        if "address" in data:
            yield ("address",), "线上培训平台不填街道地址：请删除 address，把网址写在 online.url。"
        if data.get("delivery") == "线下":
            yield ("delivery",), "线上培训平台的培训方式只能是“线上”或“线上线下”。"
    else:
        if "address" not in data:
            # Worded as the schema words a missing field (only online platforms may leave it out).
            yield ("address",), "缺少必填字段“address”（地址）：请在记录中添加。"
        if "online" in data and data.get("delivery") not in ("线上", "线上线下"):
            yield ("online",), "填写了 online（线上培训平台信息）的机构，培训方式（delivery）应为“线上”或“线上线下”。"




# -- clean text -------------------------------------------------------------------------
# Fields that use the schemas' shared "text" definition are prose and may span lines; every
# other string (names, codes, URLs, accounts, dates) is one line. tests/test_attacks.py checks
# this set against schemas/. A schema pattern cannot say "one line": Python's "$" also
# matches before a final newline, so "https://x\n" passes "^https?://[^\s]+$".
PROSE_FIELDS = frozenset({"address", "basis", "definition", "edition_note", "knowledge", "method", "norms", "notes", "reason",
                          "requirements", "source", "summary", "target", "venue"})


def _unseen(ch: str, prose: bool) -> str | None:
    """Why a character may not appear in text: controls, bidirectional overrides and
    zero-width characters look like nothing (or reorder what is shown) but change the value."""
    if ch == "\n" and prose:
        return None
    category = unicodedata.category(ch)
    if category not in ("Cc", "Cf", "Zl", "Zp"):
        return None
    name = unicodedata.name(ch, "控制字符")
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c":
        return f"双向文本控制字符 U+{ord(ch):04X}（{name}）会让文字显示的顺序与实际内容不同"
    if category == "Cf":
        return f"不可见的格式字符 U+{ord(ch):04X}（{name}，如零宽空格）看不见却会改变内容"
    if ch == "\t":
        return "Tab 字符"
    return f"控制字符 U+{ord(ch):04X}（{name}）"


def clean_text_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Every string is clean text: no control, bidirectional-override or zero-width characters;
    one-line fields hold no line break (not even a final one)."""
    for path, value in string_values(data):
        last = next((p for p in reversed(path) if isinstance(p, str)), "")
        prose = last in PROSE_FIELDS
        for index, ch in enumerate(value):
            if ch == "\n" and not prose:
                where = "末尾有换行" if not value[index:].strip("\n") else "含有换行"
                yield path, (f"这个字段只能写一行，现在{where}：请删除换行"
                             "（值用 | 或 > 开头写成多行时，请改成写在同一行）。")
                break
            why = _unseen(ch, prose)
            if why:
                yield path, (f"第 {index + 1} 个字符是{why}：请删除它后重新输入这段文字"
                             "（常见于从网页、Word 或 PDF 复制的文本）。")
                break


# The search results page filters by kind and region with words every record page carries
# (mulu.site.search.filter_words): k_<kind>, and r_<code> for the region and each parent.
KIND_PREFIX, REGION_PREFIX = "k_", "r_"
# Such a word as the index sees it: any letter case, joined by _ - or . (codes are indexed with _).
_FILTER_WORD = re.compile(r"(?<![0-9A-Za-z_])(?:[rR][-_.][0-9]{6}(?![0-9])|[kK][-_.](?:"
                          + "|".join(KIND_BY_NAME) + r")(?![0-9A-Za-z]))")


def search_word_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """No record text holds a search filter word: ``r_370300`` in a Harbin record's address
    would bring it up under 淄博's filter."""
    for path, value in string_values(data):
        for match in _FILTER_WORD.finditer(value):
            yield path, (f"“{match.group(0)}”是网站搜索按地区或类别筛选用的保留写法，写在记录里会让本记录出现在"
                         "别的地区或类别的筛选结果中：请删除它，或在字母和数字之间加空格。")


# -- time: dated facts that cannot be true together, and dates that have passed -------------

def time_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """``until`` only on a suspension and not before it; ``barred_until`` only on a withdrawal;
    a spec's ``replaced_by`` names another spec that is not withdrawn."""
    status = data.get("status", "在册")
    change = data.get("status_change")
    change = change if isinstance(change, dict) else {}
    until, barred = change.get("until"), change.get("barred_until")
    if until is not None and status != "暂停":
        yield UNTIL, (f"“暂停至”（status_change.until）只用于状态为“暂停”的记录，这条记录是“{status}”："
                      "请删除 until，或把状态改为“暂停”。")
    if isinstance(until, str) and isinstance(change.get("date"), str) and until < change["date"]:
        yield UNTIL, f"暂停至 {until} 早于暂停日期 {change['date']}（status_change.date）：请核对两个日期。"
    if barred is not None and status != "已移出":
        yield BARRED_UNTIL, (f"“不得重新列入至”（status_change.barred_until）只用于状态为“已移出”的记录，这条记录是“{status}”："
                             "请删除 barred_until，或把状态改为“已移出”。")
    if isinstance(barred, str) and isinstance(change.get("date"), str) and barred < change["date"]:
        yield BARRED_UNTIL, f"不得重新列入至 {barred} 早于移出日期 {change['date']}（status_change.date）：请核对两个日期。"
    target = data.get("replaced_by") if kind == "specs" else None
    if isinstance(target, str):
        if target == data.get("id"):
            yield ("replaced_by",), "替代规范（replaced_by）不能是本规范自己：请填写替代它的另一份规范的编号，或删除 replaced_by。"
        elif ctx.spec_status.get(target) == "已移出":
            yield ("replaced_by",), (f"替代规范“{target}”已移出目录，不能替代本规范：请填写现行的规范编号"
                                     "（若它也已被替代，请填写最终替代它的规范）。")


def time_warning_rule(kind: str, data: dict[str, Any], ctx: Context) -> Found:
    """Warnings (only with an as-of date): a 在册 record whose validity has passed, and a
    suspension past its ``until`` with no notice reinstating or withdrawing it."""
    if ctx.as_of is None:
        return
    status = effective_status(kind, data, ctx.as_of, ctx.expiring_days)
    if status.code == EXPIRED:
        yield tuple(status.field.split(".")), f"{status.reason}请发布延续或移出的调整公告，并相应更新记录。"
    elif status.code == SUSPENSION_OVERDUE:
        yield UNTIL, f"截至 {ctx.as_of}，{status.reason}请发布恢复或移出的调整公告，并相应更新记录。"


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
                           date_order_rule, programme_rule, weights_rule, time_rule,
                           edition_notice_rule, edition_record_rule, online_rule, shortage_list_rule,
                           shortage_claim_rule, demand_rule, section_rule)
RULES += (clean_text_rule, search_word_rule)  # apply to every record, whatever other rules say
# Rules whose findings are warnings: they never fail a check unless --strict.
WARNING_RULES: tuple[Rule, ...] = (time_warning_rule, subsidy_sanity_rule)


def rule_problems(kind: str, doc: Document, ctx: Context) -> list[Problem]:
    """Run every rule on one record document."""
    out = []
    for rule in RULES + WARNING_RULES:
        severity: Severity = "warning" if rule in WARNING_RULES else "error"
        for path, message in rule(kind, doc.data, ctx):
            line, col = doc.position(path)
            out.append(Problem(doc.file, line, col, field_name(path), message, f"rule.{rule.__name__[:-5]}", severity))
    return out
