"""Tests of otnotes.images: equalisation, per-channel matching, colour transfer."""

import itertools

import numpy as np
import pytest

from otnotes import images
from otnotes.images import (
    ColorTransfer,
    equalize_histogram,
    match_channels,
    transfer_colors,
)


def test_all_names_exist():
    for name in images.__all__:
        assert hasattr(images, name)


# -- equalize_histogram ----------------------------------------------------------


def test_cdf_equalisation_counts_pixels_below():
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 6, size=(7, 9)) / 5
    out = equalize_histogram(gray)
    expected = np.array([[np.mean(gray <= v) for v in row] for row in gray])
    np.testing.assert_array_equal(out, expected)


def test_cdf_equalisation_of_distinct_values_is_uniform_grid():
    gray = np.random.default_rng(1).random((4, 5))
    out = equalize_histogram(gray)
    np.testing.assert_allclose(np.sort(out.ravel()), np.arange(1, 21) / 20,
                               rtol=0, atol=1e-15)


def test_cdf_equalisation_distance_to_uniform_is_largest_atom():
    # After T = F_mu, the CDF of the result is within the largest atom of s.
    rng = np.random.default_rng(2)
    gray = rng.integers(0, 10, size=500) / 9
    out = equalize_histogram(gray)
    values, counts = np.unique(out, return_counts=True)
    G_right = np.cumsum(counts) / out.size  # G at each value
    G_left = G_right - counts / out.size  # G just below each value
    distance = max(np.max(np.abs(G_right - values)), np.max(np.abs(G_left - values)))
    assert distance == pytest.approx(np.max(np.unique(gray, return_counts=True)[1])
                                     / gray.size, abs=1e-15)


def test_rank_equalisation_is_exactly_uniform_and_sorts():
    rng = np.random.default_rng(3)
    gray = rng.integers(0, 4, size=(10, 10)) / 3
    out = equalize_histogram(gray, method="rank")
    np.testing.assert_allclose(np.sort(out.ravel()), (np.arange(100) + 0.5) / 100,
                               rtol=0, atol=1e-15)
    # Monotone: a darker pixel never ends brighter.
    order = np.argsort(gray.ravel(), kind="stable")
    assert np.all(np.diff(out.ravel()[order]) > 0)
    # Ties are broken by position.
    assert out.shape == gray.shape


@pytest.mark.parametrize(
    ("image", "kwargs", "match"),
    [([], {}, "image must hold at least one pixel"),
     ([0.1, np.nan], {}, "image must be finite"),
     ([0.1, 0.2], {"method": "sort"}, 'method must be "cdf" or "rank", got \'sort\''),
     (None, {}, "image must be an array, got None")],
)
def test_equalisation_rejects_bad_input(image, kwargs, match):
    with pytest.raises(ValueError, match=match):
        equalize_histogram(image, **kwargs)


# -- match_channels --------------------------------------------------------------


def test_match_channels_gives_target_marginals():
    rng = np.random.default_rng(4)
    source = rng.random((6, 5, 3))
    target = rng.random((30, 3)) ** 2
    out = match_channels(source, target)
    assert out.shape == source.shape
    for c in range(3):
        # Equal sizes: each channel is a permutation of the target channel.
        np.testing.assert_array_equal(np.sort(out[..., c].ravel()),
                                      np.sort(target[:, c]))
        # And it is monotone in the source channel.
        order = np.argsort(source[..., c].ravel(), kind="stable")
        assert np.all(np.diff(out[..., c].ravel()[order]) >= 0)


def test_match_channels_creates_colours_absent_from_target():
    # Target: black and white only. Source: red and cyan. Matching each channel
    # alone sends red (1, 0, 0) to (1, 0, 0), a colour the target does not use.
    target = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    source = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    out = match_channels(source, target)
    np.testing.assert_array_equal(out, source)
    assert not any(np.array_equal(out[0], t) for t in target)


@pytest.mark.parametrize(
    ("source", "target", "match"),
    [(np.zeros(4), np.zeros((4, 1)), "channels on a last axis"),
     (np.zeros((4, 3)), np.zeros((4, 2)), "same number of channels, got 3 and 2"),
     (np.zeros((0, 3)), np.zeros((4, 3)), "source must hold at least one pixel")],
)
def test_match_channels_rejects_bad_input(source, target, match):
    with pytest.raises(ValueError, match=match):
        match_channels(source, target)


# -- transfer_colors -------------------------------------------------------------


def _brute_force_cost(x, y):
    return min(np.mean(np.sum((x - y[list(p)]) ** 2, axis=1))
               for p in itertools.permutations(range(x.shape[0])))


def test_transfer_colors_assignment_is_optimal_on_samples():
    rng = np.random.default_rng(5)
    out = transfer_colors(rng.random((4, 5, 3)), rng.random((9, 3)), n_samples=6,
                          rng=1)
    assert isinstance(out, ColorTransfer)
    assert out.cost == pytest.approx(
        _brute_force_cost(out.source_samples, out.target_samples), rel=1e-12)
    np.testing.assert_array_equal(np.sort(out.sigma), np.arange(6))


def test_transfer_colors_sends_samples_to_their_assigned_colour():
    rng = np.random.default_rng(6)
    source = rng.random((40, 3))
    target = rng.random((40, 3))
    out = transfer_colors(source, target, n_samples=40)
    # Every pixel is sampled: the image is the assignment itself.
    moved = {tuple(p) for p in out.image}
    assert moved == {tuple(t) for t in target}
    for x, j in zip(out.source_samples, out.sigma, strict=True):
        i = int(np.flatnonzero((source == x).all(axis=1))[0])
        np.testing.assert_allclose(out.image[i], out.target_samples[j], atol=1e-15)


def test_transfer_colors_of_translated_palette_is_the_translation():
    # Target = source + shift (inside the cube): the optimal map is the shift,
    # and every pixel moves by it, whatever the number of neighbours.
    rng = np.random.default_rng(7)
    source = 0.1 + 0.5 * rng.random((10, 12, 3))
    shift = np.array([0.3, -0.05, 0.2])
    target = source.reshape(-1, 3) + shift
    for k in (1, 5):
        out = transfer_colors(source, target, n_samples=120, n_neighbors=k, rng=3)
        np.testing.assert_allclose(out.image, source + shift, atol=1e-12)
        assert out.cost == pytest.approx(np.sum(shift**2), rel=1e-12)


def test_transfer_colors_is_reproducible_and_clipped():
    rng = np.random.default_rng(8)
    source = rng.random((6, 6, 3))
    target = rng.random((20, 3))
    first = transfer_colors(source, target, n_samples=10, n_neighbors=3, rng=4)
    second = transfer_colors(source, target, n_samples=10, n_neighbors=3,
                             rng=np.random.default_rng(4))
    np.testing.assert_array_equal(first.image, second.image)
    assert first.image.min() >= 0 and first.image.max() <= 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"source": np.full((4, 3), 2.0)}, r"source must hold values in \[0, 1\]"),
        ({"target": -np.ones((5, 3))}, r"target must hold values in \[0, 1\]"),
        ({"target": np.zeros((5, 2))}, "same number of channels, got 3 and 2"),
        ({"source": np.zeros(4)}, "channels on a last axis"),
        ({"n_samples": 5}, r"n_samples must be at most .* \(4 and 5\), got 5"),
        ({"n_samples": 0}, "n_samples must be a positive integer"),
        ({"n_neighbors": 4}, "n_neighbors must be at most n_samples = 3, got 4"),
        ({"n_neighbors": 1.5}, "n_neighbors must be a positive integer"),
        ({"rng": "seed"}, "rng must be None, an int >= 0 or a numpy.random.Generator"),
    ],
)
def test_transfer_colors_rejects_bad_input(kwargs, match):
    args = {"source": np.zeros((4, 3)), "target": np.zeros((5, 3)), "n_samples": 3}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        transfer_colors(**args)
