"""The scorer against the labelled evaluation set: the targets are precision and recall of at least 0.9."""

from pathlib import Path

import pytest

from sources._evaluation import evaluate_relevance, load_jsonl
from sources.relevance import score_article

ROWS = load_jsonl(Path(__file__).parent / "data" / "eval.jsonl")
TARGET = 0.9


@pytest.fixture(scope="module")
def report(django_db_blocker):
    with django_db_blocker.unblock():

        def predict(row: dict) -> tuple[bool, str | None, str | None]:
            result = score_article(row["title"], row["text"], row["language"])
            return result.is_candidate, result.supplier, result.recipient

        return evaluate_relevance(ROWS, predict)


def test_the_set_is_large_multilingual_and_hard():
    languages = {row["language"] for row in ROWS}
    hard = [row for row in ROWS if row["kind"].startswith("hard-negative")]

    assert len(ROWS) >= 120
    assert languages == {"en", "ko", "ru", "uk", "ja"}
    assert len(hard) * 3 >= len(ROWS)
    assert {row["split"] for row in ROWS} == {"dev", "heldout", "heldout-2"}
    assert all(row["supplier"] and row["recipient"] for row in ROWS if row["relevant"])


@pytest.mark.parametrize("split", ["dev", "heldout", "heldout-2"])
def test_precision_and_recall_reach_the_target_on_each_split(report, split):
    metrics = report.by_split[split]

    assert metrics.precision >= TARGET, report.errors
    assert metrics.recall >= TARGET, report.errors


@pytest.mark.parametrize("language", ["en", "ko", "ru", "uk", "ja"])
def test_precision_and_recall_reach_the_target_in_each_language(report, language):
    metrics = report.by_language[language]

    assert metrics.precision >= TARGET, report.errors
    assert metrics.recall >= TARGET, report.errors


def test_it_keeps_the_hard_negatives_out(report):
    kept_out, total = report.hard_negatives_kept_out

    assert kept_out >= TARGET * total


def test_it_suggests_who_supplied_whom(report):
    right, total = report.direction_correct

    assert right >= TARGET * total
