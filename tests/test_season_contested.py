"""The season of test_season.py (its docstring says what is checked) on the contested mirror: every
contested portal fact on its other reading, conditional requests honoured included. A file of its own
so that the test runner's two workers each take one season."""

from __future__ import annotations

import pytest

from season_support import check_season

pytestmark = pytest.mark.integration


def test_sixty_nights_on_the_contested_mirror_each_equal_to_that_nights_truth_at_most_a_tenth_above_the_fewest(
        tmp_path, monkeypatch):
    check_season("contested", tmp_path, monkeypatch)
