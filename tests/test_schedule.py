"""The daily republish: both CI configurations rebuild main every day just after midnight in
China, so that pages change on the day a date passes."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_github_publishes_daily_after_midnight_china_time() -> None:
    workflow = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]   # YAML 1.1 reads the key "on" as true
    assert "main" in triggers["push"]["branches"]
    crons = [item["cron"] for item in triggers["schedule"]]
    assert len(crons) == 1
    minute, hour, *rest = crons[0].split()
    assert rest == ["*", "*", "*"]
    # GitHub runs schedules in UTC: China is UTC+8, and the build must see the new day there.
    assert (int(hour) + 8) % 24 == 0 and int(minute) < 60


def test_gitlab_pages_runs_on_the_pipeline_schedule() -> None:
    text = (REPO / ".gitlab-ci.yml").read_text(encoding="utf-8")
    ci = yaml.safe_load(text)
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in ci["pages"]["rules"]
    assert "mulu build" in ci["pages"]["script"]
    # The file says how to create the schedule (GitLab keeps schedules outside the repository).
    assert "Pipeline schedules" in text and "10 0 * * *" in text and "Asia/Shanghai" in text
