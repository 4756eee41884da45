"""The shared input checks: what they accept, and the messages they raise."""

import re
from pathlib import Path

import numpy as np
import pytest

import otnotes
import otnotes.mlp
from otnotes._validation import (
    MASS_RTOL,
    as_array,
    as_cost,
    as_points,
    as_real,
    as_rng,
    as_weights,
    check_bool,
    check_finite,
    check_positive,
    check_positive_int,
    check_same_mass,
)


def test_accepted_input_is_a_float64_copy():
    source = [1, 2, 3]
    arr = as_array(source, "v", ndim=1)
    assert arr.dtype == np.float64
    original = np.array([1.0, 2.0])
    copy = as_array(original, "v")
    copy[0] = 5.0
    assert original[0] == 1.0


def test_default_weights_are_uniform():
    np.testing.assert_array_equal(as_weights(None, 4, "a"), np.full(4, 0.25))


def test_points_on_the_line_become_a_column():
    assert as_points([1.0, 2.0, 3.0], "x").shape == (3, 1)


def test_masses_within_the_tolerance_are_the_same():
    check_same_mass(np.array([1.0]), np.array([1.0 + 0.5 * MASS_RTOL]))
    with pytest.raises(ValueError, match="a and b must have the same total mass"):
        check_same_mass(np.array([1.0]), np.array([1.0 + 2 * MASS_RTOL]))


def test_cost_with_the_expected_shape():
    assert as_cost(np.zeros((2, 3)), (2, 3)).shape == (2, 3)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: as_array(None, "v"), "v must be an array, got None"),
        (lambda: as_array([[1.0, 2.0], [3.0]], "v"),
         "v must be convertible to a numeric array, got an object of type list that "
         "is not a regular array"),
        (lambda: as_array(np.zeros((2, 2)), "v", ndim=1),
         r"v must be a 1-D array, got an array of shape \(2, 2\)"),
        (lambda: as_array(np.zeros(3), "v", ndim=(0, 2)),
         r"v must be a 0-D or 2-D array"),
        (lambda: check_finite(np.array([1.0, np.inf]), "v"),
         "v must be finite, got inf at index 1"),
        (lambda: as_points(np.zeros((0, 2)), "x"), "x must hold at least one point"),
        (lambda: as_weights([0.5, 0.5], 3, "a"),
         r"a must have length 3 \(one weight per point\), got length 2"),
        (lambda: as_weights([0.5, -0.5], 2, "a"), "a must be non-negative, got -0.5 at "
                                                  "index 1"),
        (lambda: as_weights([0.0, 0.0], 2, "a"),
         "a must have a positive total, got 0.0"),
        (lambda: as_weights([np.nan, 1.0], 2, "a"),
         "a must be finite, got nan at index 0"),
        (lambda: check_same_mass(np.array([1.0]), np.array([2.0])),
         r"a and b must have the same total mass \(relative tolerance 1e-08\), got "
         r"1.0 and 2.0"),
        (lambda: as_cost(np.zeros((2, 3)), (3, 2)),
         r"C must have shape \(3, 2\), got shape \(2, 3\)"),
        (lambda: check_positive(-1, "eps"), "eps must be a positive finite number, "
                                            "got -1"),
        (lambda: check_positive(None, "eps"),
         "eps must be a positive number, got None"),
        (lambda: check_positive(True, "tau"),
         "tau must be a positive number, got True"),
        (lambda: check_positive("0.1", "eps"),
         "eps must be a positive number, got '0.1'"),
        (lambda: as_real(np.bool_(False), "t"), "t must be a number, got "),
        (lambda: check_positive_int(True, "k"),
         "k must be a positive integer, got True"),
        (lambda: check_positive_int(-3, "k"), "k must be a positive integer, got -3"),
        (lambda: check_bool(None, "flag"), "flag must be True or False, got None"),
        (lambda: check_bool(1, "flag"), "flag must be True or False, got 1"),
        (lambda: as_rng(-1), "seed must be None, an int >= 0 or a "
                             "numpy.random.Generator, got -1"),
        (lambda: as_rng(1.5), "seed must be None, an int >= 0"),
        (lambda: as_rng("abc", "rng"), "rng must be None, an int >= 0"),
        (lambda: as_rng(True), "seed must be None, an int >= 0"),
    ],
)
def test_invalid_input_is_named_in_the_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_flags_are_python_or_numpy_booleans():
    assert check_bool(True, "flag") is True
    assert check_bool(np.bool_(False), "flag") is False


def test_seeds_give_reproducible_generators():
    assert as_rng(3).random() == np.random.default_rng(3).random()
    rng = np.random.default_rng(0)
    assert as_rng(rng) is rng
    assert isinstance(as_rng(None), np.random.Generator)


def test_every_seed_goes_through_as_rng():
    """A seed given by the user is read by as_rng alone, so a bad one raises
    the same ValueError everywhere (numpy would raise a TypeError for a
    string). The checkers draw their test cases from fixed seeds of their own
    and are left out."""
    package = Path(otnotes.__file__).parent
    call = re.compile(r"np\.random\.default_rng\((?!\d+\))")
    callers = [f"{path.name}:{number}: {line.strip()}"
               for path in sorted(package.glob("*.py")) if path.name != "_validation.py"
               for number, line in enumerate(path.read_text().splitlines(), 1)
               if call.search(line.split("#")[0]) and ">>>" not in line]
    assert not callers, "call as_rng instead of default_rng:\n" + "\n".join(callers)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: otnotes.sinkhorn([1.0], [1.0], [[0.0]], eps="0.1"),
     "eps must be a positive number, got '0.1'"),
    (lambda: otnotes.displacement_interpolation([0.0], [1.0], [[1.0]], t=True),
     "t must be a number in [0, 1], got True"),
    (lambda: otnotes.attention_matrix(np.eye(2), beta="1"),
     "beta must be a non-negative number, got '1'"),
])
def test_numbers_given_as_strings_or_booleans_are_refused(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("call", [
    lambda: otnotes.mlp.init_mlp([2, 3, 1], seed="abc"),
    lambda: otnotes.sliced_wasserstein(np.zeros((3, 2)), np.ones((3, 2)), seed=-2),
])
def test_public_functions_name_a_bad_seed(call):
    with pytest.raises(ValueError, match="seed must be None, an int >= 0"):
        call()
