"""The extractor on report excerpts it was not built from (tests/data/extract/*.txt).

Each text has an answer key written by hand (NAME.key.toml): the targets a reviewer lists, with
value, unit and comparator, and the heading where the plan part begins. Figures are printed;
the bars are the issue's: recall ≥ 90%, precision ≥ 85%, comparator right ≥ 95%.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from extract_score import score
from test_extract import undecided

from xlgl.extract import extract_report

CORPUS = Path(__file__).resolve().parent / "data" / "extract"
TEXTS = sorted(CORPUS.glob("*.txt"))


def load(path: Path):
    text = path.read_text(encoding="utf-8")
    key = tomllib.loads(path.with_suffix(".key.toml").read_text(encoding="utf-8"))
    for target in key["target"]:
        assert text.count(target["quote"]) == 1, f"key quote not unique: {target['quote']}"
        target["offset"] = text.index(target["quote"])
    return text, key


def test_corpus_has_five_texts_or_more() -> None:
    assert len(TEXTS) >= 5
    for path in TEXTS:
        assert 1500 <= len(path.read_text(encoding="utf-8")) <= 4000, path.name


@pytest.mark.parametrize("path", TEXTS, ids=[p.stem for p in TEXTS])
def test_each_text(path: Path) -> None:
    text, key = load(path)
    draft = extract_report(text, source=path.name)
    result = score(key["target"], draft.targets)
    print("\n" + result.line(path.stem), "\nmissed:", result.missed, "\nfalse:", result.false)
    assert result.recall >= 0.85 and result.precision >= 0.80, result.line(path.stem)
    assert undecided(text, text.index(key["plan_starts_at"]), draft) == []


def test_whole_corpus() -> None:
    keys = candidates = found = false = right = 0
    for path in TEXTS:
        text, key = load(path)
        result = score(key["target"], extract_report(text, source=path.name).targets)
        keys += result.keys
        candidates += result.candidates
        found += len(result.found)
        false += len(result.false)
        right += result.comparator_right
    recall, precision, comparator = found / keys, 1 - false / candidates, right / found
    print(
        f"\ncorpus of {len(TEXTS)} texts: recall {recall:.1%} ({found}/{keys}), "
        f"precision {precision:.1%} ({candidates - false}/{candidates}), "
        f"comparator right {comparator:.1%}"
    )
    assert recall >= 0.90 and precision >= 0.85 and comparator >= 0.95
