"""Token dynamics on the sphere under softmax and Sinkhorn attention."""

import numpy as np
import ot
import pytest
from scipy.cluster.hierarchy import fcluster, linkage

from otnotes.attention import (
    SinkhornAttentionWarning,
    attention_matrix,
    random_tokens,
    token_dynamics,
)


def test_softmax_attention_matches_formula():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((6, 3))
    Q, K = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    A = attention_matrix(x, beta=0.7, Q=Q, K=K)
    E = np.exp(0.7 * (x @ Q.T) @ (x @ K.T).T)
    np.testing.assert_allclose(A, E / E.sum(axis=1, keepdims=True), rtol=1e-13)


@pytest.mark.parametrize("beta", [0.5, 5.0])
def test_sinkhorn_attention_is_n_times_entropic_plan(beta):
    # Independent ground truth: POT's Sinkhorn for uniform marginals and the
    # cost -<Qx_i, Kx_j> with regularisation 1 / beta.
    rng = np.random.default_rng(1)
    x = random_tokens(7, 3, seed=2)
    Q = rng.standard_normal((3, 3))
    A = attention_matrix(x, beta=beta, Q=Q, kind="sinkhorn", tol=1e-13)
    C = -(x @ Q.T) @ x.T
    u = np.full(7, 1 / 7)
    P = ot.sinkhorn(u, u, C, 1 / beta, stopThr=1e-14, numItermax=100000)
    np.testing.assert_allclose(A, 7 * P, atol=1e-9)


@pytest.mark.parametrize("beta", [1.0, 1e3, 1e6])
def test_sinkhorn_attention_is_doubly_stochastic_for_large_beta(beta):
    x = random_tokens(20, 4, seed=3)
    A = attention_matrix(x, beta=beta, kind="sinkhorn")
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(A.sum(axis=0), 1.0, atol=1e-9)


def test_sinkhorn_attention_non_symmetric_logits():
    rng = np.random.default_rng(4)
    x = random_tokens(15, 3, seed=5)
    A = attention_matrix(x, beta=3.0, Q=rng.standard_normal((3, 3)),
                         kind="sinkhorn", max_iter=20000)
    np.testing.assert_allclose(A.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(A.sum(axis=0), 1.0, atol=1e-9)


def test_sinkhorn_warns_when_stopped_early():
    rng = np.random.default_rng(6)
    x = random_tokens(15, 3, seed=7)
    with pytest.warns(SinkhornAttentionWarning, match="did not reach"):
        attention_matrix(x, beta=5.0, Q=rng.standard_normal((3, 3)),
                         kind="sinkhorn", max_iter=2)


def test_one_step_matches_projected_euler():
    x0 = random_tokens(5, 3, seed=8)
    run = token_dynamics(x0, beta=2.0, tau=0.1, n_steps=1)
    A = attention_matrix(x0, beta=2.0)
    v = A @ x0
    v -= np.sum(v * x0, axis=1, keepdims=True) * x0
    step = x0 + 0.1 * v
    np.testing.assert_allclose(run.x[1], step / np.linalg.norm(step, axis=1,
                                                               keepdims=True),
                               rtol=1e-13)


@pytest.mark.parametrize("kind", ["softmax", "sinkhorn"])
def test_tokens_stay_on_the_sphere(kind):
    rng = np.random.default_rng(9)
    Q, K, V = (rng.standard_normal((4, 4)) for _ in range(3))
    run = token_dynamics(random_tokens(10, 4, seed=10), beta=1.0, tau=0.05,
                         n_steps=100, Q=Q, K=K, V=V, kind=kind, max_iter=20000,
                         record_every=10, return_attention=True)
    assert run.x.shape == (11, 10, 4)
    assert run.attention.shape == (11, 10, 10)
    np.testing.assert_allclose(np.linalg.norm(run.x, axis=2), 1.0, atol=1e-13)
    np.testing.assert_allclose(run.attention.sum(axis=2), 1.0, atol=1e-9)


@pytest.mark.parametrize("kind", ["softmax", "sinkhorn"])
def test_tokens_cluster_to_one_point(kind):
    # Q = K = V = I, beta = 1: the tokens merge into a single cluster.
    run = token_dynamics(random_tokens(32, 3, seed=0), beta=1.0, tau=0.1,
                         n_steps=300, kind=kind, record_every=50)
    inner = run.mean_inner_product()
    assert inner[0] < 0.1
    assert inner[-1] > 1 - 1e-8
    assert run.diameter()[-1] < 1e-4


@pytest.mark.parametrize("kind", ["softmax", "sinkhorn"])
def test_large_beta_tokens_form_few_clusters(kind):
    # Q = K = V = I, beta = 9: 32 tokens gather fast into a few tight clusters
    # (metastable: they merge only on a much longer time scale).
    run = token_dynamics(random_tokens(32, 3, seed=0), beta=9.0, tau=0.1,
                         n_steps=200, kind=kind, record_every=200)
    labels = fcluster(linkage(run.x[-1], "single"), 0.05, "distance")
    assert 2 <= labels.max() <= 6
    assert run.mean_inner_product()[-1] > run.mean_inner_product()[0] + 0.02


def test_rejects_tokens_off_the_sphere():
    with pytest.raises(ValueError, match="x0 must have rows of unit norm"):
        token_dynamics([[1.0, 0.0], [0.0, 2.0]])


def test_rejects_negative_beta():
    with pytest.raises(ValueError, match="beta must be a non-negative"):
        token_dynamics(random_tokens(3, 2), beta=-1.0)


def test_rejects_non_positive_tau():
    with pytest.raises(ValueError, match="tau must be a positive"):
        token_dynamics(random_tokens(3, 2), tau=0.0)


def test_rejects_zero_steps():
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        token_dynamics(random_tokens(3, 2), n_steps=0)


def test_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        attention_matrix(random_tokens(3, 2), kind="sparsemax")


def test_rejects_value_matrix_of_wrong_shape():
    with pytest.raises(ValueError, match=r"V must have shape \(2, 2\)"):
        token_dynamics(random_tokens(3, 2), V=np.eye(3))


def test_rejects_one_dimensional_tokens():
    with pytest.raises(ValueError, match="x0 must have at least 2 columns"):
        token_dynamics([[1.0], [-1.0]])


def test_rejects_dimension_one_for_random_tokens():
    with pytest.raises(ValueError, match="dim must be at least 2"):
        random_tokens(3, 1)


@pytest.mark.parametrize("flag", [None, "yes", 1])
def test_rejects_return_attention_that_is_not_a_bool(flag):
    with pytest.raises(ValueError, match="return_attention must be True or False"):
        token_dynamics(random_tokens(3, 2), n_steps=1, return_attention=flag)
