"""Seeds for randomised tests: a few in the quick loop, all of them in the whole suite."""

import pytest


def seeds(count: int, quick: int = 3) -> list:
    """Seeds 0 … count-1 to parametrize over; seeds from `quick` on are marked slow, so
    `pytest -m "not slow"` runs the first `quick` and `pytest` runs them all."""
    return [pytest.param(seed, marks=pytest.mark.slow) if seed >= quick else seed
            for seed in range(count)]  # fmt: skip
