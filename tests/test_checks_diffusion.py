"""Checkers of the chapter "Diffusion models and flow matching": right answers
pass, wrong ones say what is wrong."""

import numpy as np
import pytest
from checker_asserts import assert_fails, assert_passes

from otnotes import checks
from otnotes.checks import (
    ExerciseCheckError,
    check_mixture_score,
    check_sample_family,
)


def responsibilities(x, weights, means, covs, *, stable=True):
    precisions = np.linalg.inv(covs)
    diff = x[:, None, :] - means[None, :, :]
    u = np.einsum("kij,nkj->nki", precisions, diff)
    _, log_det = np.linalg.slogdet(covs)
    log_comp = np.log(weights) - 0.5 * (np.sum(u * diff, axis=2) + log_det)
    if stable:
        log_comp = log_comp - log_comp.max(axis=1, keepdims=True)
    resp = np.exp(log_comp)
    with np.errstate(invalid="ignore"):
        resp = resp / resp.sum(axis=1, keepdims=True)
    return resp, u, diff


def mixture_score(x, weights, means, covs):
    resp, u, _ = responsibilities(x, weights, means, covs)
    return -np.einsum("nk,nki->ni", resp, u)


def naive_score(x, weights, means, covs):
    resp, u, _ = responsibilities(x, weights, means, covs, stable=False)
    return -np.einsum("nk,nki->ni", resp, u)


def score_with_covariance(x, weights, means, covs):
    resp, _, diff = responsibilities(x, weights, means, covs)
    return -np.einsum("nk,kij,nkj->ni", resp, covs, diff)


def test_mixture_score_accepts_the_closed_form():
    assert_passes(check_mixture_score(mixture_score))


def test_mixture_score_names_underflow():
    assert_fails(check_mixture_score(naive_score), "log-sum-exp", "NaN")


def test_mixture_score_names_the_sign():
    assert_fails(check_mixture_score(lambda *args: -mixture_score(*args)),
                 "opposite sign")


def test_mixture_score_names_the_covariance():
    assert_fails(check_mixture_score(score_with_covariance), "inverse")


def test_mixture_score_reports_shape_and_stub():
    assert_fails(check_mixture_score(lambda x, w, m, c: x[:, :1]), "shape")

    def stub(x, weights, means, covs):
        raise NotImplementedError

    assert_fails(check_mixture_score(stub), "NotImplementedError")


def sample_family(mixture, x_T, T, g, noise, *, late=False, factor=True,
                  noise_scale=None):
    n_steps = noise.shape[0]
    h = T / n_steps
    y = np.array(x_T, dtype=float)
    for k in range(n_steps):
        t = T - (k + 1) * h if late else T - k * h
        weight = 1 + g**2 / 2 if factor else 1.0
        scale = np.sqrt(h) if noise_scale is None else noise_scale(h)
        drift = y + weight * mixture.ou_marginal(t).score(y)
        y = y + h * drift + g * scale * noise[k]
    return y


def test_sample_family_accepts_the_scheme():
    assert_passes(check_sample_family(sample_family))


def test_sample_family_names_common_slips():
    assert_fails(check_sample_family(
        lambda *args: sample_family(*args, late=True)), "t_k = T - k h")
    assert_fails(check_sample_family(
        lambda *args: sample_family(*args, factor=False)), "1 + g^2 / 2")
    assert_fails(check_sample_family(
        lambda *args: sample_family(*args, noise_scale=lambda h: h)), "g sqrt(h)")


def test_sample_family_rejects_a_plain_ode():
    def ode_only(mixture, x_T, T, g, noise):
        return sample_family(mixture, x_T, T, 0.0, noise)

    assert_fails(check_sample_family(ode_only), "differ")


def test_strict_mode_raises(monkeypatch):
    monkeypatch.setenv(checks.STRICT_ENV, "1")
    with pytest.raises(ExerciseCheckError):
        check_mixture_score(lambda *args: -mixture_score(*args))
    with pytest.raises(ExerciseCheckError):
        check_sample_family(lambda *args: sample_family(*args, late=True))
