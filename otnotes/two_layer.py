r"""Two-layer ReLU networks trained by gradient descent, seen as particle systems.

A two-layer network of width :math:`m` in the mean-field scaling is

.. math:: f_\mu(x) = \frac1m \sum_{j=1}^m a_j \,\sigma(\langle w_j, x\rangle + b_j)
   = \int \phi(\theta; x)\, d\mu(\theta),
   \qquad \mu = \frac1m \sum_{j=1}^m \delta_{\theta_j},

with :math:`\sigma(s) = \max(s, 0)`, neuron :math:`\theta_j = (a_j, w_j, b_j)
\in \mathbb{R} \times \mathbb{R}^d \times \mathbb{R}` and
:math:`\phi(\theta; x) = a\,\sigma(\langle w, x\rangle + b)`. The factor
:math:`1/m` in front of the sum (rather than :math:`1/\sqrt m`) is the
mean-field scaling: the output is an average over neurons, so it is a function
of the empirical measure :math:`\mu` of the neurons alone.

On data :math:`(x_i, y_i)_{i=1}^n` the empirical risk is

.. math:: R(\mu) = \frac{1}{2n} \sum_{i=1}^n (f_\mu(x_i) - y_i)^2 ,

a function of :math:`\mu`. Its first variation is
:math:`R'(\mu)(\theta) = \frac1n \sum_i (f_\mu(x_i) - y_i)\,\phi(\theta; x_i)`
and, for :math:`\mu` the empirical measure of the neurons,

.. math:: \nabla_{\theta_j} R = \frac1m \nabla_\theta R'(\mu)(\theta_j).

Gradient descent with learning rate :math:`m\tau`,
:math:`\theta_j \leftarrow \theta_j - m\tau\, \nabla_{\theta_j} R`, is
therefore the explicit Euler scheme with time step :math:`\tau` for the
particle system :math:`\dot\theta_j = -\nabla_\theta R'(\mu_t)(\theta_j)`,
whose empirical measure :math:`\mu_t` solves, in the weak sense, the
continuity equation :math:`\partial_t \mu_t =
\operatorname{div}(\mu_t \nabla_\theta R'(\mu_t))`: the equation of the
Wasserstein gradient flow of :math:`R`, here started from an empirical
measure. After :math:`k` steps the
neurons approximate that flow at time :math:`t = k\tau`, whatever the width:
time is measured on the same scale for every :math:`m`.
As :math:`m \to \infty` with i.i.d. initial neurons, the empirical measure of
the particles converges to the Wasserstein gradient flow started from the
initial law ([1]_, [2]_), under regularity assumptions on the unit
:math:`\phi` stated there. [1]_ also shows, for units that are 2-homogeneous
in :math:`\theta` and an initial law whose support is rich enough, that if the
limit flow converges as :math:`t \to \infty` then its limit is a global
minimiser of the risk. ReLU units are 2-homogeneous in :math:`(a, w, b)` but not
differentiable, so they sit at the edge of those smoothness assumptions; the
code takes the derivative of :math:`\sigma` at 0 to be 0.

References
----------
.. [1] L. Chizat and F. Bach, "On the global convergence of gradient descent
   for over-parameterized models using optimal transport", NeurIPS 2018.
.. [2] S. Mei, A. Montanari and P.-M. Nguyen, "A mean field view of the
   landscape of two-layer neural networks", PNAS 115 (2018).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import (
    as_array,
    as_rng,
    check_finite,
    check_positive,
    check_positive_int,
)

__all__ = [
    "TeacherStudentTask",
    "TwoLayerTraining",
    "teacher_student_task",
    "train_two_layer",
    "two_layer_output",
    "two_layer_risk",
]


def _check_neurons(a, w, b, names=("a", "w", "b")):
    name_a, name_w, name_b = names
    a = check_finite(as_array(a, name_a, ndim=1), name_a)
    w = check_finite(as_array(w, name_w, ndim=2), name_w)
    b = check_finite(as_array(b, name_b, ndim=1), name_b)
    m = a.shape[0]
    if m == 0:
        raise ValueError(f"{name_a} must hold at least one neuron, got none")
    if w.shape[0] != m:
        raise ValueError(
            f"{name_w} must have one row per neuron ({m} rows, as {name_a} has "
            f"length {m}), got shape {w.shape}"
        )
    if b.shape[0] != m:
        raise ValueError(
            f"{name_b} must have one entry per neuron (length {m}), got length "
            f"{b.shape[0]}"
        )
    return a, w, b


def _check_inputs(x, dim):
    x = check_finite(as_array(x, "x", ndim=2), "x")
    if x.shape[0] == 0:
        raise ValueError("x must hold at least one sample, got none")
    if dim is not None and x.shape[1] != dim:
        raise ValueError(
            f"x must have {dim} columns (the dimension of w), got shape {x.shape}"
        )
    return x


def _check_targets(y, n):
    y = check_finite(as_array(y, "y", ndim=1), "y")
    if y.shape[0] != n:
        raise ValueError(
            f"y must have one target per row of x (length {n}), got length "
            f"{y.shape[0]}"
        )
    return y


def _output(a, w, b, x):
    pre = x @ w.T + b
    return np.maximum(pre, 0.0) @ a / a.shape[0], pre


def _risk_and_grad(a, w, b, x, y):
    """Risk and its gradient in (a, w, b); no input checks."""
    n, m = x.shape[0], a.shape[0]
    out, pre = _output(a, w, b, x)
    residual = out - y
    risk = 0.5 * np.mean(residual**2)
    active = (pre > 0).astype(float)
    # dR/df(x_i) = r_i / n, and df/da_j = relu(z_ij) / m.
    coef = residual / (n * m)
    grad_a = np.maximum(pre, 0.0).T @ coef
    # df/dz_ij = a_j 1[z_ij > 0] / m.
    back = (coef[:, None] * active) * a[None, :]
    grad_w = back.T @ x
    grad_b = back.sum(axis=0)
    return risk, grad_a, grad_w, grad_b


def two_layer_output(a, w, b, x):
    r"""Output of a two-layer ReLU network in the mean-field scaling.

    Computes :math:`f(x_i) = \frac1m \sum_{j=1}^m a_j
    \max(\langle w_j, x_i\rangle + b_j, 0)` for every row :math:`x_i` of
    ``x``.

    Parameters
    ----------
    a : array of shape (m,)
        Output weights :math:`a_j`.
    w : array of shape (m, d)
        Input weights :math:`w_j`, one row per neuron.
    b : array of shape (m,)
        Biases :math:`b_j`.
    x : array of shape (n, d)
        Inputs.

    Returns
    -------
    f : array of shape (n,)
        The network's outputs.

    Examples
    --------
    >>> two_layer_output([2.0, 4.0], [[1.0], [-1.0]], [0.0, 0.0], [[3.0]])
    array([3.])
    """
    a, w, b = _check_neurons(a, w, b)
    x = _check_inputs(x, w.shape[1])
    return _output(a, w, b, x)[0]


def two_layer_risk(a, w, b, x, y):
    r"""Empirical square-loss risk of a two-layer network and its gradient.

    Computes :math:`R = \frac1{2n}\sum_{i=1}^n (f(x_i) - y_i)^2` for the
    network :math:`f` of :func:`two_layer_output`, and its partial
    derivatives in :math:`a_j`, :math:`w_j`, :math:`b_j`:

    .. math:: \partial_{a_j} R = \frac{1}{nm}\sum_i r_i\,\sigma(z_{ij}), \quad
       \nabla_{w_j} R = \frac{1}{nm}\sum_i r_i a_j \mathbf 1[z_{ij}>0]\, x_i,
       \quad
       \partial_{b_j} R = \frac{1}{nm}\sum_i r_i a_j \mathbf 1[z_{ij}>0],

    with :math:`r_i = f(x_i) - y_i` and
    :math:`z_{ij} = \langle w_j, x_i\rangle + b_j`. The ReLU is taken with
    derivative 0 at 0.

    Parameters
    ----------
    a, w, b : arrays of shapes (m,), (m, d), (m,)
        The neurons, as in :func:`two_layer_output`.
    x : array of shape (n, d)
        Inputs.
    y : array of shape (n,)
        Targets.

    Returns
    -------
    risk : float
        :math:`R`.
    grad_a, grad_w, grad_b : arrays of shapes (m,), (m, d), (m,)
        Its gradient.

    Examples
    --------
    >>> risk, ga, gw, gb = two_layer_risk([1.0], [[1.0]], [0.0], [[2.0]], [0.0])
    >>> float(risk), ga
    (2.0, array([4.]))
    """
    a, w, b = _check_neurons(a, w, b)
    x = _check_inputs(x, w.shape[1])
    y = _check_targets(y, x.shape[0])
    risk, grad_a, grad_w, grad_b = _risk_and_grad(a, w, b, x, y)
    return float(risk), grad_a, grad_w, grad_b


@dataclass(frozen=True)
class TeacherStudentTask:
    """A regression data set labelled by a fixed two-layer teacher network.

    Attributes
    ----------
    x : array of shape (n, d)
        Inputs, i.i.d. standard Gaussian.
    y : array of shape (n,)
        Teacher outputs ``two_layer_output(a, w, b, x)`` (no noise).
    a, w, b : arrays of shapes (k,), (k, d), (k,)
        The teacher's neurons.
    """

    x: np.ndarray
    y: np.ndarray
    a: np.ndarray
    w: np.ndarray
    b: np.ndarray


def teacher_student_task(n_samples, dim, teacher_width, *, seed=0):
    r"""A teacher–student regression task with a two-layer ReLU teacher.

    Draws inputs :math:`x_i \sim N(0, I_d)` and a teacher of width
    :math:`k` in the mean-field scaling whose neurons have output weights
    :math:`a^*_j = \pm 2` (alternating signs), input weights :math:`w^*_j`
    uniform on the unit sphere and biases :math:`b^*_j \sim N(0, 1/4)`; the
    labels are :math:`y_i = f^*(x_i)`.

    Parameters
    ----------
    n_samples : int
        Number :math:`n` of samples.
    dim : int
        Input dimension :math:`d`.
    teacher_width : int
        Number :math:`k` of teacher neurons.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    TeacherStudentTask

    Examples
    --------
    >>> task = teacher_student_task(100, 2, 3, seed=1)
    >>> task.x.shape, task.y.shape, task.w.shape
    ((100, 2), (100,), (3, 2))
    """
    n_samples = check_positive_int(n_samples, "n_samples")
    dim = check_positive_int(dim, "dim")
    teacher_width = check_positive_int(teacher_width, "teacher_width")
    rng = as_rng(seed)
    w = rng.standard_normal((teacher_width, dim))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    a = 2.0 * np.where(np.arange(teacher_width) % 2 == 0, 1.0, -1.0)
    b = 0.5 * rng.standard_normal(teacher_width)
    x = rng.standard_normal((n_samples, dim))
    y = _output(a, w, b, x)[0]
    return TeacherStudentTask(x=x, y=y, a=a, w=w, b=b)


@dataclass(frozen=True)
class TwoLayerTraining:
    """Trajectory of the neurons of a two-layer network under gradient descent.

    Attributes
    ----------
    times : array of shape (r,)
        Flow times :math:`k\\tau` of the recorded steps (first 0, last
        ``n_steps * tau``).
    steps : int array of shape (r,)
        The recorded step numbers :math:`k`.
    a : array of shape (r, m)
        Output weights of every neuron at every recorded step (time first).
    w : array of shape (r, m, d)
        Input weights.
    b : array of shape (r, m)
        Biases.
    loss : array of shape (n_steps + 1,)
        Full-data risk :math:`R` before each step and after the last one.
    tau : float
        Time step of the flow; the learning rate was ``width * tau``.
    """

    times: np.ndarray
    steps: np.ndarray
    a: np.ndarray
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    tau: float

    def predict(self, x, step=-1):
        """Network output at the recorded step of index ``step`` (last by default).

        ``step`` indexes the recorded steps as a sequence does: an int with
        ``-r <= step < r`` for ``r`` records.
        """
        r = self.a.shape[0]
        if (isinstance(step, bool) or not isinstance(step, (int, np.integer))
                or not -r <= step < r):
            raise ValueError(
                f"step must be an integer index of a recorded step, -{r} <= step < "
                f"{r}, got {step!r}"
            )
        return two_layer_output(self.a[step], self.w[step], self.b[step], x)


def train_two_layer(
    x,
    y,
    width,
    *,
    tau=0.1,
    n_steps=1000,
    seed=0,
    batch_size=None,
    record_every=10,
    init_scale=1.0,
    initial=None,
):
    r"""Train a two-layer ReLU network by gradient descent, as a particle flow.

    Minimises the empirical risk :math:`R(\mu)` of the module docstring
    over the neurons :math:`\theta_j = (a_j, w_j, b_j)` of a network of width
    :math:`m` in the mean-field scaling, by

    .. math:: \theta_j^{k+1} = \theta_j^k - m\tau\, \nabla_{\theta_j} R^{(k)},

    where :math:`R^{(k)}` is the risk on the whole data set (``batch_size``
    None) or on a mini-batch drawn without replacement at each step. With the
    whole data set this is the explicit Euler scheme, with time step
    :math:`\tau`, of the particle discretisation
    :math:`\dot\theta_j = -\nabla_\theta R'(\mu_t)(\theta_j)` of the
    Wasserstein gradient flow of :math:`R` (Chizat–Bach 2018, Mei–Montanari–
    Nguyen 2018); with mini-batches it is its stochastic version.

    Initial neurons are i.i.d.: :math:`a_j \sim N(0, s^2)`,
    :math:`w_j \sim N(0, s^2 I_d / d)`, :math:`b_j \sim N(0, s^2 / d)` with
    :math:`s` = ``init_scale``, a law that does not depend on :math:`m`.

    Parameters
    ----------
    x : array of shape (n, d)
        Inputs.
    y : array of shape (n,)
        Targets.
    width : int
        Number :math:`m` of neurons.
    tau : float, optional
        Time step :math:`\tau > 0` of the flow.
    n_steps : int, optional
        Number of gradient steps.
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng`` (initial neurons, mini-batches).
    batch_size : int, optional
        Mini-batch size, at most :math:`n`; full batch when None.
    record_every : int, optional
        Record the neurons every this many steps (and always at the end).
    init_scale : float, optional
        Scale :math:`s > 0` of the initial law.
    initial : tuple of arrays (a, w, b), optional
        Initial neurons of shapes (m,), (m, d), (m,) with :math:`m` =
        ``width``, used instead of a random draw (``init_scale`` is then
        ignored).

    Returns
    -------
    TwoLayerTraining
        Neurons over the recorded steps (time first) and the risk history.

    Notes
    -----
    Stability of the explicit scheme needs :math:`\tau` small compared with
    the inverse curvature of :math:`R'`, which does not depend on :math:`m`;
    the default suits inputs of unit scale and outputs of order one. A step
    that is too large makes the loss grow; the history in ``loss`` shows it.

    References
    ----------
    .. [1] L. Chizat and F. Bach, NeurIPS 2018.
    .. [2] S. Mei, A. Montanari and P.-M. Nguyen, PNAS 115 (2018).

    Examples
    --------
    >>> task = teacher_student_task(200, 2, 3, seed=0)
    >>> run = train_two_layer(task.x, task.y, 50, n_steps=200, seed=1)
    >>> bool(run.loss[-1] < run.loss[0]), run.w.shape
    (True, (21, 50, 2))
    """
    x = _check_inputs(x, None)
    n, d = x.shape
    y = _check_targets(y, n)
    width = check_positive_int(width, "width")
    tau = check_positive(tau, "tau")
    n_steps = check_positive_int(n_steps, "n_steps")
    record_every = check_positive_int(record_every, "record_every")
    init_scale = check_positive(init_scale, "init_scale")
    if batch_size is not None:
        batch_size = check_positive_int(batch_size, "batch_size")
        if batch_size > n:
            raise ValueError(
                f"batch_size must be at most the number of samples ({n}), got "
                f"{batch_size}"
            )
    rng = as_rng(seed)
    if initial is None:
        a = init_scale * rng.standard_normal(width)
        w = init_scale * rng.standard_normal((width, d)) / np.sqrt(d)
        b = init_scale * rng.standard_normal(width) / np.sqrt(d)
    else:
        if not isinstance(initial, (tuple, list)) or len(initial) != 3:
            raise ValueError(
                "initial must be a tuple (a, w, b) of initial neurons, got "
                f"{type(initial).__name__}"
            )
        a, w, b = _check_neurons(*initial, names=("initial[0]", "initial[1]",
                                                  "initial[2]"))
        if a.shape[0] != width or w.shape[1] != d:
            raise ValueError(
                f"initial must hold {width} neurons in dimension {d} (width and the "
                f"columns of x), got w of shape {w.shape}"
            )

    lr = width * tau
    record = [0]
    snaps_a, snaps_w, snaps_b = [a.copy()], [w.copy()], [b.copy()]
    loss = np.empty(n_steps + 1)
    for k in range(n_steps):
        # Step 1: gradient of the risk (whole data or a mini-batch).
        if batch_size is None:
            loss[k], ga, gw, gb = _risk_and_grad(a, w, b, x, y)
        else:
            loss[k] = 0.5 * np.mean((_output(a, w, b, x)[0] - y) ** 2)
            idx = rng.choice(n, size=batch_size, replace=False)
            _, ga, gw, gb = _risk_and_grad(a, w, b, x[idx], y[idx])

        # Step 2: Euler step of the particle flow, learning rate m * tau.
        a = a - lr * ga
        w = w - lr * gw
        b = b - lr * gb

        if (k + 1) % record_every == 0 or k + 1 == n_steps:
            record.append(k + 1)
            snaps_a.append(a.copy())
            snaps_w.append(w.copy())
            snaps_b.append(b.copy())
    loss[n_steps] = 0.5 * np.mean((_output(a, w, b, x)[0] - y) ** 2)
    steps = np.array(record)
    return TwoLayerTraining(
        times=steps * tau,
        steps=steps,
        a=np.array(snaps_a),
        w=np.array(snaps_w),
        b=np.array(snaps_b),
        loss=loss,
        tau=tau,
    )
