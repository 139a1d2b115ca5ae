"""Fast tests of what the search index is given (mulu.site.search): words found inside longer
Chinese words, codes kept whole, region names on every record page."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

from mulu.project import open_project
from mulu.site.search import LINE_SEPARATOR, PIECE, pieces, terms, words


def test_every_substring_of_a_chinese_run_is_an_indexed_word_of_its_own():
    # Not only the prefix of one: Pagefind 1.5.2 may not load the chunk the longer word is in.
    run = "急需紧缺职业工种目录"
    indexed = set(pieces(run))
    for start in range(len(run)):
        for end in range(start + 1, min(len(run), start + PIECE) + 1):
            assert run[start:end] in indexed, run[start:end]
    assert max(len(w) for w in indexed) == PIECE and run[:PIECE + 1] not in indexed


def test_codes_are_words_whole_by_every_leading_part_and_by_each_part():
    got = list(words("电工（6-31-01-03），信用代码 52370304MJ1280365J"))
    assert {"6_31_01_03", "6_31_01", "6_31", "6_3", "6", "31", "03"} <= set(got)
    assert not any(w.endswith("_") for w in got)
    assert {"52370304MJ1280365J", "52370304MJ", "5237"} <= set(got)
    assert "电工" in got and "工" in got


def test_terms_are_lowercase_and_each_once():
    assert terms(["ABC abc", "紧缺 紧缺"]).split() == ["abc", "ab", "a", "紧", "紧缺", "缺"]


def test_record_pages_carry_region_filters_and_words(project: Path, mulu):
    assert mulu("build", "--no-search", cwd=project).code == 0
    registry = open_project(project).registry
    record = next(r for r in registry.all_records() if r.region.startswith("3703") and r.region != "370300")
    html = (project / "site" / record.kind / record.id / "index.html").read_text(encoding="utf-8")
    chain = registry.reference.region_path(record.region)
    assert len(chain) >= 2
    hidden = re.search(r'<div hidden class="mulu-search-terms">([^<]*)</div>', html)
    assert hidden
    found = hidden.group(1).split()
    # 山东省 淄博市 …: searchable names, as the browser asks for them (each run of PIECE characters)
    asked = {name[i:i + PIECE] for name in chain for i in range(max(1, len(name) - PIECE + 1))}
    assert asked <= set(found)
    assert {"r_370000", "r_370300", f"r_{record.region}", f"k_{record.kind}"} <= set(found)   # filters
    assert 'data-pagefind-meta="kind:' in html and 'data-pagefind-meta="status:' in html


def test_a_value_cannot_forge_an_excerpt_line(project: Path, mulu):
    """Result excerpts are the record's field lines, split at " ¦ ": text holding that
    separator must not add a line of its own (a suspended institution showing 当前状态：在册)."""
    path = next(p for p in sorted((project / "registry" / "institutions").glob("*.yml"))
                if "\naddress: " in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^(address: .*)$", r"\1 ¦ 当前状态：在册", text, count=1), encoding="utf-8")
    assert mulu("build", "--no-search", cwd=project).code == 0
    html = (project / "site" / "institutions" / path.stem / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'data-pagefind-meta="lines:([^"]*)"', html)
    assert meta
    lines = html_module.unescape(meta.group(1)).split(LINE_SEPARATOR)
    forged = [line for line in lines if "当前状态：在册" in line]
    assert len(forged) == 1 and not forged[0].startswith("当前状态"), lines   # kept, inside the address line
