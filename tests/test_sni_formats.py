"""The SNI text formats (t2l_edge/tasks/suite/sni_formats.py): numpy's rounding, summing and array printing against
numpy itself, and the list and set formats read back what they write."""

from __future__ import annotations

import random

import numpy as np
import pytest

from t2l_edge.tasks.suite.sni_formats import (
    fitting, items, numpy_round, numpy_scientific, numpy_str, numpy_sum, quoted, sets, sets_input,
)

DRAWS = 3000


def _arrays(seed: int):
    rng = random.Random(seed)
    for _ in range(DRAWS):
        yield [round(rng.uniform(-100, 250), rng.choice((1, 2, 3))) for _ in range(rng.randint(1, 14))]


def test_numpy_sum_round_and_printing_are_numpys():
    printed = 0
    with np.printoptions(legacy=False):  # numpy's defaults, whatever a caller set
        for values in _arrays(1):
            array = np.array(values)
            assert numpy_sum(values) == float(np.sum(array))
            shares = [numpy_round(v / numpy_sum(values)) for v in values]
            expected = np.round(array / np.sum(array), 3)
            assert shares == expected.tolist() and list(np.signbit(shares)) == list(np.signbit(expected))
            assert numpy_round(numpy_sum(values) / len(values)) == float(np.round(np.mean(array), 3))
            for printed_values, reference in ((shares, expected), (values, array)):
                assert numpy_scientific(printed_values) == ("e" in str(reference))
                if not numpy_scientific(printed_values):
                    assert numpy_str(printed_values) == str(reference)
                    printed += 1
    assert printed > DRAWS  # both the wrapped (long) and the one-line arrays were compared


def test_numpy_round_ties_to_even_and_keeps_negative_zero():
    assert [numpy_round(v) for v in (0.0005, 0.0015, -0.0004)] == [0.0, 0.002, -0.0]
    assert str(numpy_round(-0.0004)) == "-0.0" and numpy_str([-0.0, 0.5]) == "[-0.   0.5]"
    with pytest.raises(ValueError, match="scientific"):
        numpy_str([0.001, 2.0])


def test_lists_and_sets_read_back_what_they_write():
    assert items(quoted(["k", "8043", "U"])) == ["k", "8043", "U"] and items("[]") == []
    assert sets(sets_input([12, 4], [5, 12])) == ({4, 12}, {5, 12})
    assert sets("Set1: '{1}', Set2: '{2, 3}'. How many elements are there in the union of Set1 and Set2 ?") == (
        {1}, {2, 3})
    with pytest.raises(ValueError):
        items("'a', 'b'")


def test_fitting_redraws_until_the_input_fits_and_refuses_when_it_never_does():
    sizes = iter([60, 49, 10])
    sample = fitting(lambda rng: "x" * next(sizes))
    assert sample(random.Random(0)) == "x" * 10
    with pytest.raises(ValueError, match="no input within 48 characters"):
        fitting(lambda rng: "y" * 49)(random.Random(0))
