"""The hand-written MLP backward pass and the Adam optimiser."""

import numpy as np
import pytest

from otnotes.mlp import Adam, init_mlp, mlp_backward, mlp_forward


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_backward_matches_central_differences(activation):
    rng = np.random.default_rng(0)
    params = init_mlp([3, 6, 5, 2], activation=activation, seed=1)
    for p in params:
        p += 0.2 * rng.standard_normal(p.shape)
    x = rng.standard_normal((7, 3))
    weights = rng.standard_normal((7, 2))

    def loss():
        return float(np.sum(weights * mlp_forward(params, x, activation=activation)[0]))

    _, cache = mlp_forward(params, x, activation=activation)
    grads, grad_x = mlp_backward(params, cache, weights, activation=activation)
    h = 1e-6
    exact, numeric = [], []
    for p, g in zip(params, grads, strict=True):
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = loss()
            p[idx] = old - h
            down = loss()
            p[idx] = old
            exact.append(g[idx])
            numeric.append((up - down) / (2 * h))
    exact, numeric = np.array(exact), np.array(numeric)
    assert np.linalg.norm(exact - numeric) / np.linalg.norm(numeric) < 1e-6
    for i, k in [(0, 0), (3, 2), (6, 1)]:
        e = np.zeros_like(x)
        e[i, k] = h
        up = float(np.sum(weights * mlp_forward(params, x + e,
                                                activation=activation)[0]))
        down = float(np.sum(weights * mlp_forward(params, x - e,
                                                  activation=activation)[0]))
        assert grad_x[i, k] == pytest.approx((up - down) / (2 * h), rel=1e-6)


def test_forward_matches_explicit_layers():
    rng = np.random.default_rng(2)
    params = init_mlp([2, 4, 1], seed=3)
    params[1] += 0.5
    x = rng.standard_normal((5, 2))
    expected = np.tanh(x @ params[0] + params[1]) @ params[2] + params[3]
    np.testing.assert_allclose(mlp_forward(params, x)[0], expected, rtol=1e-14)


def test_adam_minimises_a_quadratic():
    p = [np.array([3.0, -2.0])]
    opt = Adam(p, lr=0.05)
    for _ in range(2000):
        opt.step([2 * p[0]])
    np.testing.assert_allclose(p[0], 0.0, atol=1e-3)


def test_rejects_unknown_activation():
    with pytest.raises(ValueError, match="activation must be one of"):
        init_mlp([2, 3, 1], activation="gelu")


def test_rejects_single_size():
    with pytest.raises(ValueError, match="sizes must list at least"):
        init_mlp([2])
    with pytest.raises(ValueError, match="sizes must be a sequence of layer widths"):
        init_mlp(3)


def test_rejects_input_of_wrong_width():
    with pytest.raises(ValueError, match="x must have 2 columns"):
        mlp_forward(init_mlp([2, 3, 1]), np.ones((4, 3)))


def test_rejects_grad_out_of_wrong_shape():
    params = init_mlp([2, 3, 1])
    _, cache = mlp_forward(params, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"grad_out must have shape \(4, 1\)"):
        mlp_backward(params, cache, np.ones((4, 2)))


def test_rejects_mismatched_layers():
    params = init_mlp([2, 3, 1])
    params[2] = np.ones((4, 1))
    with pytest.raises(ValueError, match="params.2. must have 3 rows"):
        mlp_forward(params, np.ones((1, 2)))


def test_rejects_beta_out_of_range():
    with pytest.raises(ValueError, match=r"beta1 must lie in \[0, 1\)"):
        Adam([np.zeros(2)], beta1=1.0)
