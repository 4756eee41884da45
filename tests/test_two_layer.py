"""Two-layer ReLU networks as particle systems: gradients, training, width."""

import numpy as np
import pytest

from otnotes.two_layer import (
    teacher_student_task,
    train_two_layer,
    two_layer_output,
    two_layer_risk,
)


def random_network(rng, m=6, d=3):
    return (rng.standard_normal(m), rng.standard_normal((m, d)),
            rng.standard_normal(m))


def test_output_matches_explicit_sum():
    rng = np.random.default_rng(0)
    a, w, b = random_network(rng)
    x = rng.standard_normal((5, 3))
    expected = [np.mean([a[j] * max(w[j] @ xi + b[j], 0.0) for j in range(6)])
                for xi in x]
    np.testing.assert_allclose(two_layer_output(a, w, b, x), expected, rtol=1e-14)


def test_gradient_matches_central_differences():
    rng = np.random.default_rng(1)
    a, w, b = random_network(rng, m=7, d=4)
    x = rng.standard_normal((30, 4))
    y = rng.standard_normal(30)
    _, ga, gw, gb = two_layer_risk(a, w, b, x, y)
    theta = np.concatenate([a, w.ravel(), b])
    grad = np.concatenate([ga, gw.ravel(), gb])

    def risk(vec):
        return two_layer_risk(vec[:7], vec[7:35].reshape(7, 4), vec[35:], x, y)[0]

    h = 1e-6
    numeric = np.empty_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = h
        numeric[k] = (risk(theta + e) - risk(theta - e)) / (2 * h)
    rel = np.linalg.norm(numeric - grad) / np.linalg.norm(grad)
    assert rel < 1e-6


def test_teacher_is_fitted_with_zero_risk_by_itself():
    task = teacher_student_task(50, 3, 4, seed=2)
    risk = two_layer_risk(task.a, task.w, task.b, task.x, task.y)[0]
    assert risk == 0.0


def test_full_batch_loss_decreases_and_shapes():
    task = teacher_student_task(200, 3, 6, seed=0)
    run = train_two_layer(task.x, task.y, 40, tau=0.1, n_steps=300, seed=1,
                          record_every=50)
    assert run.a.shape == (7, 40)
    assert run.w.shape == (7, 40, 3)
    assert run.b.shape == (7, 40)
    np.testing.assert_array_equal(run.steps, [0, 50, 100, 150, 200, 250, 300])
    np.testing.assert_allclose(run.times, run.steps * 0.1)
    assert run.loss.shape == (301,)
    # Small-step gradient descent on a smooth-almost-everywhere risk: the
    # loss goes down at every step here, and by a large factor overall.
    assert np.all(np.diff(run.loss) <= 1e-12)
    assert run.loss[-1] < 0.1 * run.loss[0]
    np.testing.assert_allclose(
        0.5 * np.mean((run.predict(task.x) - task.y) ** 2), run.loss[-1],
        rtol=1e-12)


def test_one_step_is_euler_step_with_learning_rate_m_tau():
    task = teacher_student_task(40, 2, 3, seed=3)
    m, tau = 25, 0.07
    run = train_two_layer(task.x, task.y, m, tau=tau, n_steps=1, seed=4)
    _, ga, gw, gb = two_layer_risk(run.a[0], run.w[0], run.b[0], task.x, task.y)
    np.testing.assert_allclose(run.a[1], run.a[0] - m * tau * ga, rtol=1e-13)
    np.testing.assert_allclose(run.w[1], run.w[0] - m * tau * gw, rtol=1e-13)
    np.testing.assert_allclose(run.b[1], run.b[0] - m * tau * gb, rtol=1e-13)


def test_duplicating_every_neuron_leaves_the_dynamics_unchanged():
    # Mean-field scaling: the network and its flow depend on the neurons only
    # through their empirical measure, which duplication does not change.
    task = teacher_student_task(60, 3, 4, seed=6)
    rng = np.random.default_rng(7)
    a, w, b = random_network(rng, m=10, d=3)
    single = train_two_layer(task.x, task.y, 10, tau=0.1, n_steps=50,
                             initial=(a, w, b))
    double = train_two_layer(task.x, task.y, 20, tau=0.1, n_steps=50,
                             initial=(np.tile(a, 2), np.tile(w, (2, 1)),
                                      np.tile(b, 2)))
    np.testing.assert_allclose(double.loss, single.loss, rtol=1e-10)
    np.testing.assert_allclose(double.w[:, 10:], single.w, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(double.a[:, :10], single.a, rtol=1e-10, atol=1e-13)


def test_mini_batch_training_reduces_loss():
    task = teacher_student_task(200, 3, 6, seed=0)
    run = train_two_layer(task.x, task.y, 40, tau=0.05, n_steps=400, seed=1,
                          batch_size=32)
    assert run.loss[-1] < 0.3 * run.loss[0]


def test_wider_networks_reach_lower_loss():
    task = teacher_student_task(200, 3, 8, seed=5)
    final = {}
    for m in (5, 200):
        final[m] = np.mean([
            train_two_layer(task.x, task.y, m, tau=0.2, n_steps=1000,
                            seed=s).loss[-1]
            for s in (0, 1)])
    assert final[200] < 0.5 * final[5]


@pytest.fixture
def task():
    return teacher_student_task(20, 2, 2, seed=0)


def test_rejects_non_positive_tau(task):
    with pytest.raises(ValueError, match="tau must be a positive"):
        train_two_layer(task.x, task.y, 5, tau=0.0)


def test_rejects_non_positive_width(task):
    with pytest.raises(ValueError, match="width must be a positive integer"):
        train_two_layer(task.x, task.y, 0)


def test_rejects_non_integer_steps(task):
    with pytest.raises(ValueError, match="n_steps must be a positive integer"):
        train_two_layer(task.x, task.y, 5, n_steps=2.5)


def test_rejects_targets_of_wrong_length(task):
    with pytest.raises(ValueError, match="y must have one target per row"):
        train_two_layer(task.x, task.y[:-1], 5)


def test_rejects_one_dimensional_inputs(task):
    with pytest.raises(ValueError, match="x must be a 2-D array"):
        train_two_layer(task.x[:, 0], task.y, 5)


def test_rejects_batch_larger_than_data(task):
    with pytest.raises(ValueError, match="batch_size must be at most"):
        train_two_layer(task.x, task.y, 5, batch_size=21)


def test_rejects_non_positive_record_every(task):
    with pytest.raises(ValueError, match="record_every must be a positive"):
        train_two_layer(task.x, task.y, 5, record_every=0)


def test_rejects_initial_neurons_of_wrong_width(task):
    with pytest.raises(ValueError, match="initial must hold 5 neurons"):
        train_two_layer(task.x, task.y, 5,
                        initial=(np.ones(4), np.ones((4, 2)), np.ones(4)))


def test_rejects_mismatched_neurons():
    with pytest.raises(ValueError, match="w must have one row per neuron"):
        two_layer_output([1.0, 2.0], [[1.0, 0.0]], [0.0, 0.0], [[1.0, 1.0]])


def test_rejects_inputs_of_wrong_dimension():
    with pytest.raises(ValueError, match="x must have 2 columns"):
        two_layer_output([1.0], [[1.0, 0.0]], [0.0], [[1.0, 1.0, 1.0]])


def test_rejects_nan_targets():
    with pytest.raises(ValueError, match="y must be finite"):
        two_layer_risk([1.0], [[1.0]], [0.0], [[1.0]], [np.nan])


def test_rejects_bad_task_size():
    with pytest.raises(ValueError, match="teacher_width must be a positive"):
        teacher_student_task(10, 2, 0)


@pytest.mark.parametrize(
    ("initial", "message"),
    [
        ((np.ones(5), np.ones((5, 2)), np.ones(4)),
         r"initial\[2\] must have one entry per neuron \(length 5\)"),
        ((np.full(5, np.nan), np.ones((5, 2)), np.ones(5)),
         r"initial\[0\] must be finite"),
        ((np.ones(5), np.ones((4, 2)), np.ones(5)),
         r"initial\[1\] must have one row per neuron"),
    ],
)
def test_rejects_bad_initial_neurons_by_position(task, initial, message):
    with pytest.raises(ValueError, match=message):
        train_two_layer(task.x, task.y, 5, initial=initial)


@pytest.mark.parametrize("step", [2.5, 3, -4, None, True, "abc"])
def test_predict_rejects_bad_step(task, step):
    run = train_two_layer(task.x, task.y, 5, n_steps=2, record_every=1)
    assert run.a.shape[0] == 3
    with pytest.raises(ValueError, match="step must be an integer index of a "
                                         "recorded step, -3 <= step < 3"):
        run.predict(task.x, step)
