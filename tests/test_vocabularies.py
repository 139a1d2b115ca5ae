"""Types and categories as data (registry/reference/vocabularies.yml): what validation, mulu new
and the site make of them."""

from __future__ import annotations

from pathlib import Path

from mulu.project import open_project
from mulu.site.model import SiteContext
from mulu.site.providers import PROVIDERS
from mulu.site.vocabulary_page import vocabulary_pages

BASE = "registry/bases/hb-base-2022-01.yml"
PROGRAMME = "registry/programmes/hb-4-03-02-02.yml"
VOCABULARIES = "registry/reference/vocabularies.yml"


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_value_outside_the_list_names_file_line_and_the_choices(project: Path, mulu) -> None:
    edit(project, BASE, "category: 公共实训基地", "category: 数字技能实训基地")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    line = next(x for x in result.out.splitlines() if "数字技能实训基地" in x)
    assert line.startswith(f"{BASE}:") and "[category]" in line
    assert "“基地类别”只能是以下之一：公共实训基地、高技能人才培训基地、技能大赛集训基地、师资培训基地" in line
    assert "请审核人在 registry/reference/vocabularies.yml 的 base_categories 中添加" in line


def test_a_department_adds_a_category_without_touching_code(project: Path, mulu) -> None:
    edit(project, BASE, "category: 公共实训基地", "category: 数字技能实训基地")
    edit(project, VOCABULARIES, "      - name: 化工安全技能实训基地\n",
         "      - name: 数字技能实训基地\n        description: 开展数字技能实训的基地。\n"
         "      - name: 化工安全技能实训基地\n")
    result = mulu("validate", cwd=project)
    assert result.code == 0, result.out
    page = next(vocabulary_pages(open_project(project).registry, SiteContext(generated_at="2024-01-01T00:00:00Z")))
    assert "<td data-label=\"取值\">数字技能实训基地</td>" in page.html and "开展数字技能实训的基地。" in page.html


def test_certificates_and_training_forms_the_documents_name(project: Path, mulu) -> None:
    edit(project, PROGRAMME, "certificate: 职业技能等级证书", "certificate: 特种作业操作证")
    edit(project, PROGRAMME, "category: 就业技能培训\n", "category: 就业技能培训\nforms: [项目制培训, 以工代训]\n")
    assert mulu("validate", cwd=project).code == 0
    edit(project, PROGRAMME, "forms: [项目制培训, 以工代训]", "forms: [项目制培训, 订单式培训]")
    result = mulu("validate", cwd=project)
    assert result.code == 1 and f"{PROGRAMME}:15:16: [forms[1]] “培训形式”只能是以下之一：项目制培训、企业新型学徒制、以工代训、职业培训包" in result.out


def test_broken_vocabulary_file_is_reported_at_its_line(project: Path, mulu) -> None:
    edit(project, VOCABULARIES, "      - name: 首席技师工作室\n        description: 依托首席技师设立的工作室。\n",
         "      - name: 首席技师工作室\n")
    result = mulu("validate", cwd=project)
    assert result.code == 1
    assert f"{VOCABULARIES}:" in result.out and "取值“首席技师工作室”缺少 description" in result.out


def test_new_record_lists_the_choices_from_the_file(project: Path, mulu) -> None:
    edit(project, VOCABULARIES, "      - name: 鉴定中心\n", "      - name: 考评中心\n        description: 示例。\n"
         "      - name: 鉴定中心\n")
    assert mulu("new", "assessors", "91230100MA1B2C3D4E", cwd=project).code in (0, 1)
    text = (project / "registry/assessors/91230100MA1B2C3D4E.yml").read_text(encoding="utf-8")
    assert "可选：用人单位、社会培训评价组织、技工院校、职业院校、考评中心、鉴定中心、其他。" in text


def test_site_page_explains_every_term_escaped(project: Path) -> None:
    assert vocabulary_pages in PROVIDERS
    edit(project, VOCABULARIES, "        description: 在培训场所面授和实操。",
         "        description: '<script>alert(1)</script>在培训场所面授和实操。'")
    page = next(vocabulary_pages(open_project(project).registry, SiteContext(generated_at="2024-01-01T00:00:00Z")))
    assert page.path == "vocabularies/"
    for term in ("特种作业操作证", "项目制培训", "企业新型学徒制", "以工代训", "职业培训包", "线上培训平台",
                 "首席技师工作室", "技能大师工作站", "鉴定中心", "师资培训基地", "创业孵化基地", "化工安全技能实训基地"):
        assert f">{term}</td>" in page.html, term
    assert "<script>" not in page.html and "&lt;script&gt;alert(1)&lt;/script&gt;在培训场所面授和实操。" in page.html
