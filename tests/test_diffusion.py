"""Diffusion with exact Gaussian-mixture scores; flow matching and straightness."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from otnotes.diffusion import (
    DiffusionPath,
    GaussianMixture,
    _flow_matching_loss_and_grad,
    ou_forward,
    path_straightness,
    probability_flow,
    reverse_sde,
    train_flow_matching,
)
from otnotes.mlp import init_mlp


@pytest.fixture
def mixture():
    covs = [np.array([[0.3, 0.1], [0.1, 0.2]]), 0.2 * np.eye(2),
            np.array([[0.5, -0.2], [-0.2, 0.3]])]
    return GaussianMixture([0.3, 0.5, 0.2], [[-2.0, 0.0], [2.0, 1.0], [0.0, -2.5]],
                           covs)


def relative_cov_error(y, mixture):
    target = mixture.covariance()
    return np.linalg.norm(np.cov(y.T) - target) / np.linalg.norm(target)


def test_log_density_matches_scipy(mixture):
    x = np.random.default_rng(0).standard_normal((20, 2)) * 2
    expected = np.log(sum(w * multivariate_normal(m, S).pdf(x) for w, m, S in
                          zip(mixture.weights, mixture.means, mixture.covs,
                              strict=True)))
    np.testing.assert_allclose(mixture.log_density(x), expected, rtol=1e-12)


@pytest.mark.parametrize("t", [0.0, 0.3, 2.0])
def test_score_matches_finite_differences_of_log_density(mixture, t):
    p_t = mixture.ou_marginal(t)
    x = p_t.sample(15, seed=1)
    h = 1e-5
    numeric = np.stack([(p_t.log_density(x + h * e) - p_t.log_density(x - h * e))
                        / (2 * h) for e in np.eye(2)], axis=1)
    score = p_t.score(x)
    assert np.linalg.norm(score - numeric) / np.linalg.norm(score) < 1e-6


def test_mean_and_covariance_closed_forms(mixture):
    y = mixture.sample(200000, seed=2)
    np.testing.assert_allclose(y.mean(axis=0), mixture.mean(), atol=0.02)
    assert relative_cov_error(y, mixture) < 0.01


def test_ou_marginal_matches_simulated_forward_process(mixture):
    x0 = mixture.sample(100000, seed=3)
    path = ou_forward(x0, [0.5], seed=4)
    p_half = mixture.ou_marginal(0.5)
    np.testing.assert_allclose(path.x[0].mean(axis=0), p_half.mean(), atol=0.02)
    assert relative_cov_error(path.x[0], p_half) < 0.02
    # Closed form of the marginal mean: e^{-t} times the mean at time 0.
    np.testing.assert_allclose(p_half.mean(), np.exp(-0.5) * mixture.mean(),
                               rtol=1e-14, atol=1e-15)


def test_forward_process_at_large_time_is_standard_gaussian(mixture):
    p_8 = mixture.ou_marginal(8.0)
    np.testing.assert_allclose(p_8.means, 0.0, atol=2.5 * np.exp(-8.0))
    np.testing.assert_allclose(p_8.covs, np.broadcast_to(np.eye(2), (3, 2, 2)),
                               atol=np.exp(-16.0))
    path = ou_forward(mixture.sample(20000, seed=5), [1.0, 8.0], seed=6)
    np.testing.assert_allclose(path.x[-1].mean(axis=0), 0.0, atol=0.03)
    np.testing.assert_allclose(np.cov(path.x[-1].T), np.eye(2), atol=0.04)


def test_probability_flow_is_exact_for_a_gaussian():
    # p_0 = N(0, s^2): p_t = N(0, v_t) with v_t = s^2 e^{-2t} + 1 - e^{-2t},
    # and the flow is the linear map x_t = x_T sqrt(v_t / v_T).
    s2, T = 0.09, 4.0
    gm = GaussianMixture([1.0], [[0.0]], [[[s2]]])
    x_T = np.linspace(-2, 2, 9)[:, None]
    v_T = s2 * np.exp(-2 * T) + 1 - np.exp(-2 * T)
    exact = x_T * np.sqrt(s2 / v_T)
    errors = [np.max(np.abs(probability_flow(gm, x_T, T=T, n_steps=n).x[-1]
                            - exact)) for n in (200, 400, 800)]
    assert errors[-1] < 3e-4
    # Heun's method is of second order: halving the step divides the error by 4.
    for coarse, fine in zip(errors[:-1], errors[1:], strict=True):
        assert 3.5 < coarse / fine < 4.5


def test_probability_flow_pushes_gaussian_to_the_mixture(mixture):
    x_T = np.random.default_rng(7).standard_normal((8000, 2))
    path = probability_flow(mixture, x_T, T=8.0, n_steps=100, record_every=50)
    np.testing.assert_allclose(path.times, [8.0, 4.0, 0.0])
    y = path.x[-1]
    assert np.linalg.norm(y.mean(axis=0) - mixture.mean()) < 0.06
    assert relative_cov_error(y, mixture) < 0.03


def test_reverse_sde_samples_the_mixture(mixture):
    x_T = np.random.default_rng(8).standard_normal((6000, 2))
    path = reverse_sde(mixture, x_T, T=6.0, n_steps=300, seed=9, record_every=100)
    assert path.x.shape == (4, 6000, 2)
    y = path.x[-1]
    assert np.linalg.norm(y.mean(axis=0) - mixture.mean()) < 0.08
    assert relative_cov_error(y, mixture) < 0.05


def test_straightness_of_a_half_circle_and_a_segment():
    t = np.linspace(0.0, 1.0, 4001)
    circle = np.stack([np.cos(np.pi * t), np.sin(np.pi * t)], axis=1)[:, None, :]
    assert path_straightness(DiffusionPath(t, circle)) == pytest.approx(
        np.pi**2 - 4, rel=1e-5)
    segment = (t[:, None] * [[1.0, 2.0]])[:, None, :]
    assert path_straightness(DiffusionPath(t, segment)) == pytest.approx(0.0,
                                                                         abs=1e-12)


def test_flow_matching_gradient():
    rng = np.random.default_rng(10)
    params = init_mlp([3, 6, 5, 2], seed=11)
    for p in params:
        p += 0.2 * rng.standard_normal(p.shape)
    x0, x1 = rng.standard_normal((8, 2)), rng.standard_normal((8, 2))
    t = rng.random((8, 1))
    _, grads = _flow_matching_loss_and_grad(params, "tanh", x0, x1, t)
    h = 1e-6
    exact, numeric = [], []
    for p, g in zip(params, grads, strict=True):
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + h
            up = _flow_matching_loss_and_grad(params, "tanh", x0, x1, t)[0]
            p[idx] = old - h
            down = _flow_matching_loss_and_grad(params, "tanh", x0, x1, t)[0]
            p[idx] = old
            exact.append(g[idx])
            numeric.append((up - down) / (2 * h))
    exact, numeric = np.array(exact), np.array(numeric)
    assert np.linalg.norm(exact - numeric) / np.linalg.norm(numeric) < 1e-6


def test_minibatch_ot_gives_straighter_paths():
    gm = GaussianMixture([0.5, 0.5], [[-2.0, 0.0], [2.0, 0.0]], [0.1 * np.eye(2)] * 2)
    data = gm.sample(2000, seed=0)
    x0 = np.random.default_rng(5).standard_normal((500, 2))
    straightness, samples = {}, {}
    for coupling in ("independent", "ot"):
        model = train_flow_matching(data, coupling=coupling, n_steps=600,
                                    batch_size=64, seed=0)
        path = model.sample(x0, n_steps=40)
        assert path.x.shape == (41, 500, 2)
        straightness[coupling] = path_straightness(path)
        samples[coupling] = path.x[-1]
    assert straightness["ot"] < 0.25 * straightness["independent"]
    for y in samples.values():
        assert np.linalg.norm(y.mean(axis=0) - gm.mean()) < 0.3
        assert np.cov(y.T)[0, 0] == pytest.approx(4.1, rel=0.15)


def test_rejects_weights_not_summing_to_one():
    with pytest.raises(ValueError, match="weights must sum to 1"):
        GaussianMixture([0.5, 0.6], [[0.0], [1.0]], [[[1.0]], [[1.0]]])


def test_rejects_covariance_not_positive_definite():
    with pytest.raises(ValueError, match=r"covs\[1\] must be positive definite"):
        GaussianMixture([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[0.0]]])


def test_rejects_covariances_of_wrong_shape():
    with pytest.raises(ValueError, match=r"covs must have shape \(2, 1, 1\)"):
        GaussianMixture([0.5, 0.5], [[0.0], [1.0]], [[[1.0]]])


def test_rejects_points_of_wrong_dimension(mixture):
    with pytest.raises(ValueError, match="x must have 2 columns"):
        mixture.score(np.zeros((3, 3)))


def test_rejects_decreasing_times():
    with pytest.raises(ValueError, match="times must be non-decreasing"):
        ou_forward(np.zeros((3, 2)), [1.0, 0.5])


def test_rejects_negative_time(mixture):
    with pytest.raises(ValueError, match="t must be a non-negative"):
        mixture.ou_marginal(-1.0)


def test_rejects_non_positive_horizon(mixture):
    with pytest.raises(ValueError, match="T must be a positive"):
        probability_flow(mixture, np.zeros((3, 2)), T=0.0)


def test_rejects_t_min_beyond_horizon(mixture):
    with pytest.raises(ValueError, match="t_min must be smaller than T"):
        reverse_sde(mixture, np.zeros((3, 2)), T=1.0, t_min=1.0)


def test_rejects_start_of_wrong_dimension(mixture):
    with pytest.raises(ValueError, match="x_T must have 2 columns"):
        probability_flow(mixture, np.zeros((3, 1)))


def test_rejects_unknown_coupling():
    with pytest.raises(ValueError, match="coupling must be"):
        train_flow_matching(np.zeros((10, 2)), coupling="sinkhorn")


def test_rejects_non_positive_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        train_flow_matching(np.zeros((10, 2)), batch_size=0)


def test_rejects_path_with_one_time():
    with pytest.raises(ValueError, match="path must record at least two times"):
        path_straightness(DiffusionPath(np.zeros(1), np.zeros((1, 3, 2))))


def test_rejects_missing_mixture_weights():
    with pytest.raises(ValueError, match=r"weights must be an array of shape \(K,\), "
                                         "got None"):
        GaussianMixture(None, [[0.0], [1.0]], [[[1.0]], [[1.0]]])


@pytest.mark.parametrize(
    ("hidden", "message"),
    [
        (2.5, "hidden must be a positive integer or a tuple of them, got 2.5"),
        (None, "hidden must be a positive integer or a tuple of them, got None"),
        (True, "hidden must be a positive integer or a tuple of them, got True"),
    ],
)
def test_rejects_bad_hidden_widths(hidden, message):
    with pytest.raises(ValueError, match=message):
        train_flow_matching(np.zeros((10, 2)), hidden=hidden, n_steps=1)


@pytest.mark.parametrize("t", [1.5, 10.0])
def test_flow_velocity_rejects_times_after_one(t):
    model = train_flow_matching(np.zeros((10, 2)), hidden=4, n_steps=1, batch_size=4)
    with pytest.raises(ValueError, match=r"t must lie in \[0, 1\]"):
        model.velocity(np.zeros((3, 2)), t)
