"""Small, valid records written by tests, so that each test knows every line it wrote."""

from __future__ import annotations

from pathlib import Path

NOTICE = """\
id: t-notice-1
name: 关于公布培训机构目录的通知
region: "230000"
number: 黑人社规〔2024〕12号
issuer: 黑龙江省人力资源和社会保障厅
date: 2024-03-01
summary: 公布第一批培训机构目录。
maintainers: [hrss-admin]
"""

# Line numbers matter to the tests: keep "region" on line 3, "licence" on 9, "valid_to" on 13.
INSTITUTION = """\
id: "{code}"
name: 哈尔滨市南岗区测试职业技能培训学校
region: "230103"
status: 在册
listed:
  date: 2024-03-05
  notice: t-notice-1
maintainers: [test-school]
type: 民办职业培训机构
address: 哈尔滨市南岗区测试路 1 号
licence:
  number: 人社民 230103000001 号
  issuer: 哈尔滨市南岗区人力资源和社会保障局
  valid_from: 2023-01-01
  valid_to: 2028-12-31
offerings:
  - occupation: "4-10-01-06"
    levels: [五级, 四级]
subsidised: true
contact:
  phone: 0451-86201234
"""

# A public test vector from docs/dev/domain.md (passes the GB 32100-2015 check).
GOOD_CODE = "121200004013590816"

SPEC = """\
id: t-spec-1
name: 剪纸
region: "370300"
status: 在册
listed:
  date: 2024-03-05
  notice: t-notice-1
maintainers: [test-school]
number: 鲁专能-2024-001
definition: 运用剪刀和刻刀，在纸张上进行图案剪刻的能力。
target: 城乡劳动者
competencies:
  - task: 图案设计
    norms: 按题材设计图案
    knowledge: 构图知识
    weight: 40
  - task: 剪刻
    norms: 刀法流畅
    knowledge: 工具使用
    weight: 50
assessment:
  method: 实际操作
  duration_minutes: 90
  examiners: 3
  venue: 实训室
version: "1.0"
effective: 2024-04-01
"""


def write(project: Path, kind: str, record_id: str, text: str) -> Path:
    """Write ``text`` as ``registry/<kind>/<record_id>.yml`` and return the path."""
    path = project / "registry" / kind / f"{record_id}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def seed(project: Path) -> str:
    """Add the test notice and a valid institution; return the institution's file name."""
    write(project, "notices", "t-notice-1", NOTICE)
    write(project, "institutions", GOOD_CODE, INSTITUTION.format(code=GOOD_CODE))
    return f"registry/institutions/{GOOD_CODE}.yml"
