"""GANs on 2-D data: exact gradients, WGAN training, critic estimate of W1."""

import numpy as np
import pytest

from otnotes.assignment import assignment
from otnotes.gan import (
    _critic_value_and_grad,
    _discriminator_value_and_grad,
    _generator_value_and_grad,
    _input_gradient,
    _nonsaturating_value_and_grad,
    _penalty_and_grad,
    estimate_w1,
    train_gan,
    train_wgan,
)
from otnotes.mlp import _forward, init_mlp

H = 1e-6


def central_differences(value, params):
    """Gradient of value() in every entry of the arrays in params."""
    grads = []
    for p in params:
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + H
            up = value()
            p[idx] = old - H
            down = value()
            p[idx] = old
            g[idx] = (up - down) / (2 * H)
        grads.append(g)
    return grads


def relative_error(exact, numeric):
    a = np.concatenate([g.ravel() for g in exact])
    b = np.concatenate([g.ravel() for g in numeric])
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def perturbed_mlp(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    params = init_mlp(sizes, activation=activation, seed=seed)
    for p in params:
        p += 0.3 * rng.standard_normal(p.shape)
    return params


def three_blobs(n, seed):
    rng = np.random.default_rng(seed)
    centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
    return centres[rng.integers(3, size=n)] + 0.2 * rng.standard_normal((n, 2))


def w2_equal_size(x, y):
    C = ((x[:, None, :] - y[None, :, :]) ** 2).sum(axis=2)
    sigma = assignment(C)
    return np.sqrt(C[np.arange(len(x)), sigma].mean())


def test_wgan_critic_gradient():
    rng = np.random.default_rng(0)
    critic = perturbed_mlp([2, 6, 5, 1], "tanh", 1)
    real, fake = rng.standard_normal((8, 2)), rng.standard_normal((7, 2))
    _, grads = _critic_value_and_grad(critic, real, fake)
    numeric = central_differences(
        lambda: _critic_value_and_grad(critic, real, fake)[0], critic)
    assert relative_error(grads, numeric) < 1e-6


def test_input_gradient_of_critic():
    rng = np.random.default_rng(2)
    critic = perturbed_mlp([2, 7, 1], "tanh", 3)
    x = rng.standard_normal((5, 2))
    numeric = np.empty_like(x)
    for k in range(2):
        e = np.zeros(2)
        e[k] = H
        numeric[:, k] = (_forward(critic, x + e, "tanh")[0][:, 0]
                         - _forward(critic, x - e, "tanh")[0][:, 0]) / (2 * H)
    np.testing.assert_allclose(_input_gradient(critic, x), numeric, rtol=1e-7,
                               atol=1e-9)


def test_gradient_penalty_double_backward():
    rng = np.random.default_rng(4)
    critic = perturbed_mlp([2, 7, 1], "tanh", 5)
    x_hat = rng.standard_normal((9, 2))
    value, grads = _penalty_and_grad(critic, x_hat, 3.0)
    norms = np.linalg.norm(_input_gradient(critic, x_hat), axis=1)
    assert value == pytest.approx(3.0 * np.mean((norms - 1) ** 2), rel=1e-14)
    numeric = central_differences(
        lambda: _penalty_and_grad(critic, x_hat, 3.0)[0], critic)
    assert relative_error(grads, numeric) < 1e-6


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_wgan_generator_gradient(activation):
    rng = np.random.default_rng(6)
    gen = perturbed_mlp([2, 5, 4, 2], activation, 7)
    critic = perturbed_mlp([2, 6, 1], "tanh", 8)
    z = rng.standard_normal((10, 2))
    _, grads = _generator_value_and_grad(gen, critic, z, activation)
    numeric = central_differences(
        lambda: _generator_value_and_grad(gen, critic, z, activation)[0], gen)
    assert relative_error(grads, numeric) < 1e-6


def test_js_discriminator_and_generator_gradients():
    rng = np.random.default_rng(9)
    disc = perturbed_mlp([2, 6, 1], "tanh", 10)
    gen = perturbed_mlp([3, 5, 2], "tanh", 11)
    real, fake = rng.standard_normal((8, 2)), rng.standard_normal((6, 2))
    _, grads = _discriminator_value_and_grad(disc, real, fake)
    numeric = central_differences(
        lambda: _discriminator_value_and_grad(disc, real, fake)[0], disc)
    assert relative_error(grads, numeric) < 1e-6
    z = rng.standard_normal((7, 3))
    _, grads = _nonsaturating_value_and_grad(gen, disc, z, "tanh")
    numeric = central_differences(
        lambda: _nonsaturating_value_and_grad(gen, disc, z, "tanh")[0], gen)
    assert relative_error(grads, numeric) < 1e-6


def test_wgan_gp_brings_samples_to_the_mixture():
    # Exact W2 (assignment on 400 + 400 points) between the generated points
    # and a fresh data sample falls by a factor 2 or more within 400 steps.
    data = three_blobs(2000, 0)
    test = three_blobs(400, 1)
    run = train_wgan(data, n_steps=400, snapshot_every=400, n_samples=400, seed=0)
    assert run.samples.shape == (2, 400, 2)
    np.testing.assert_array_equal(run.steps, [0, 400])
    before = w2_equal_size(run.samples[0], test)
    after = w2_equal_size(run.samples[-1], test)
    assert after < 0.5 * before


def test_wgan_clip_keeps_parameters_in_the_box_and_moves_samples():
    data = three_blobs(1000, 2)
    run = train_wgan(data, n_steps=100, constraint="clip", clip=0.05,
                     critic_hidden=(16, 16), snapshot_every=50, n_samples=300)
    assert max(np.abs(p).max() for p in run.critic_params) <= 0.05
    test = three_blobs(300, 3)
    assert w2_equal_size(run.samples[-1], test) < w2_equal_size(run.samples[0], test)


def test_js_gan_moves_samples_to_a_shifted_gaussian():
    rng = np.random.default_rng(4)
    data = rng.standard_normal((1000, 2)) * 0.5 + [3.0, -1.0]
    run = train_gan(data, n_steps=300, snapshot_every=100, n_samples=500)
    assert run.samples.shape == (4, 500, 2)
    assert np.linalg.norm(run.samples[0].mean(axis=0) - [3.0, -1.0]) > 2.0
    assert np.linalg.norm(run.samples[-1].mean(axis=0) - [3.0, -1.0]) < 0.5
    assert run.critic(data[:5]).shape == (5,)


def test_critic_estimates_exact_w1_for_a_fixed_generator():
    # A fixed (untrained) generator pushes N(0, I) forward; exact W1 between
    # 300 of its points and 300 data points from the assignment problem.
    x = three_blobs(300, 5)
    generator = init_mlp([2, 16, 2], activation="relu", seed=6)
    z = np.random.default_rng(6).standard_normal((300, 2))
    y = _forward(generator, z, "relu")[0]
    C = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=2)
    exact = C[np.arange(300), assignment(C)].mean()
    est = estimate_w1(x, y, n_steps=600, seed=0)
    assert est.value == pytest.approx(exact, rel=0.1)
    assert est.critic(x).shape == (300,)


def test_rejects_penalty_with_two_hidden_layers():
    with pytest.raises(ValueError, match="critic_hidden must have exactly one"):
        train_wgan(three_blobs(50, 0), critic_hidden=(8, 8))


def test_rejects_unknown_constraint():
    with pytest.raises(ValueError, match="constraint must be"):
        train_wgan(three_blobs(50, 0), constraint="spectral")


def test_rejects_non_positive_clip():
    with pytest.raises(ValueError, match="clip must be a positive"):
        train_wgan(three_blobs(50, 0), constraint="clip", clip=0.0)


def test_rejects_non_positive_learning_rate():
    with pytest.raises(ValueError, match="lr must be a positive"):
        train_gan(three_blobs(50, 0), lr=-1e-3)


def test_rejects_zero_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        train_gan(three_blobs(50, 0), batch_size=0)


def test_rejects_bad_hidden_width():
    with pytest.raises(ValueError, match=r"generator_hidden\[1\] must be a positive"):
        train_wgan(three_blobs(50, 0), generator_hidden=(8, 0))


def test_rejects_nan_data():
    data = three_blobs(50, 0)
    data[3, 1] = np.nan
    with pytest.raises(ValueError, match="data must be finite"):
        train_gan(data)


def test_rejects_samples_of_different_dimensions():
    with pytest.raises(ValueError, match="y must have the dimension of x"):
        estimate_w1(np.zeros((5, 2)), np.zeros((5, 3)))


def test_rejects_unknown_generator_activation():
    with pytest.raises(ValueError, match="generator_activation must be"):
        train_gan(three_blobs(50, 0), generator_activation="sigmoid")


def test_rejects_zero_restarts():
    with pytest.raises(ValueError, match="n_restarts must be a positive integer"):
        estimate_w1(np.zeros((5, 2)), np.ones((5, 2)), n_restarts=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"constraint": "clip", "penalty_weight": -1.0},
         "penalty_weight must be a positive finite number"),
        ({"constraint": "clip", "penalty_weight": None},
         "penalty_weight must be a positive number"),
        ({"constraint": "gradient-penalty", "clip": 0.0},
         "clip must be a positive finite number"),
        ({"constraint": "gradient-penalty", "clip": np.nan},
         "clip must be a positive finite number"),
    ],
)
def test_rejects_bad_option_of_the_other_constraint(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_wgan(three_blobs(50, 0), n_steps=1, **kwargs)


@pytest.mark.parametrize("make", ["gan", "w1"])
def test_critic_rejects_points_of_wrong_dimension(make):
    data = three_blobs(20, 0)
    if make == "gan":
        run = train_gan(data, n_steps=1, batch_size=4, snapshot_every=1, n_samples=4)
    else:
        run = estimate_w1(data, data + 1.0, hidden=4, n_steps=1, n_restarts=1)
    with pytest.raises(ValueError, match=r"x must have 2 columns \(the dimension of "
                                         r"the data\), got shape \(3, 3\)"):
        run.critic(np.zeros((3, 3)))
