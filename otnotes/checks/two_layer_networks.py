"""Checkers of the chapter "Training two-layer networks as Wasserstein gradient flows".

The velocity field of the mean-field dynamics at arbitrary neurons, checked
against explicit sums and against the gradient of the risk at the network's
own neurons, and particle gradient descent with learning rate ``m * tau``,
checked against :func:`otnotes.train_two_layer`.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases


def _velocity_test_inputs():
    """Networks, data and query neurons (a, w, b, x, y, qa, qw, qb) for the field."""
    rng = np.random.default_rng(41)
    inputs = []
    for m, d, n, q in ((5, 1, 12, 4), (9, 2, 30, 7), (6, 3, 20, 5)):
        inputs.append((rng.normal(size=m), rng.normal(size=(m, d)),
                       rng.normal(size=m), rng.normal(size=(n, d)),
                       rng.normal(size=n), rng.normal(size=q),
                       rng.normal(size=(q, d)), rng.normal(size=q)))
    return inputs


def _reference_velocity(qa, qw, qb, a, w, b, x, y):
    """-grad V_mu at the query neurons, written with explicit sums."""
    m, n = len(a), len(y)
    f = np.array([sum(a[j] * max(w[j] @ x[i] + b[j], 0.0) for j in range(m)) / m
                  for i in range(n)])
    r = f - y
    v_a, v_w, v_b = np.zeros(len(qa)), np.zeros(qw.shape), np.zeros(len(qa))
    for k in range(len(qa)):
        for i in range(n):
            z = qw[k] @ x[i] + qb[k]
            if z > 0:
                v_a[k] -= r[i] * z / n
                v_w[k] -= r[i] * qa[k] * x[i] / n
                v_b[k] -= r[i] * qa[k] / n
    return v_a, v_w, v_b


def check_mean_field_velocity(func):
    r"""Check ``func(theta_a, theta_w, theta_b, a, w, b, x, y)``: the field -grad V_mu.

    The expected value is :math:`v_\mu(\theta) = -\frac1n\sum_i r_i
    (\sigma(z_i), a\mathbf 1[z_i > 0]x_i, a\mathbf 1[z_i > 0])` with
    :math:`z_i = \langle w, x_i\rangle + b` and :math:`r_i` the residuals of the
    network :math:`(a, w, b)` in the mean-field scaling. At the network's own
    neurons this is :math:`-m` times the gradient of
    :func:`otnotes.two_layer_risk`. A wrong sign and the factor :math:`1/m` of
    the risk gradient are named in the message.
    """
    from ..two_layer import two_layer_risk

    names = ("v_a", "v_w", "v_b")

    def cases():
        for a, w, b, x, y, qa, qw, qb in _velocity_test_inputs():
            m, d = len(a), w.shape[1]
            queries = [("at random query neurons", (qa, qw, qb),
                        _reference_velocity(qa, qw, qb, a, w, b, x, y))]
            _, ga, gw, gb = two_layer_risk(a, w, b, x, y)
            queries.append(("at the network's own neurons", (a, w, b),
                            (-m * ga, -m * gw, -m * gb)))
            for where, (ta, tw, tb), want in queries:
                args = (ta.copy(), tw.copy(), tb.copy(), a.copy(), w.copy(),
                        b.copy(), x.copy(), y.copy())
                yield args, (m, d, where, len(ta), want)

    def check(got, case, problems):
        m, d, where, k, want = case
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            problems.append("velocity should return a tuple (v_a, v_w, v_b), got "
                            f"{type(got).__name__}.")
            return
        what = (f"for m = {m} neurons in dimension d = {d}, {where}, "
                f"your")
        arrays = [_as_answer_array(part, f"{what} {label}", problems, shape=shape)
                  for part, label, shape in zip(
                      got, names, ((k,), (k, d), (k,)), strict=True)]
        if problems:
            return
        for arr, want_part, label in zip(arrays, want, names, strict=True):
            if np.allclose(arr, want_part, rtol=1e-9, atol=1e-12):
                continue
            hint = ""
            if np.allclose(arr, -want_part, rtol=1e-9, atol=1e-12):
                hint = (" You returned +grad V_mu: the velocity is minus the "
                        "gradient.")
            elif np.allclose(arr * m, want_part, rtol=1e-9, atol=1e-12):
                hint = (" It is 1/m times the expected value: the gradient of "
                        "the risk in one neuron carries a factor 1/m that the "
                        "first variation does not.")
            elif np.allclose(arr, m * want_part, rtol=1e-9, atol=1e-12):
                hint = " It is m times too large."
            i = int(np.argmax(np.abs(arr - want_part).reshape(k, -1).max(axis=1)))
            problems.append(f"{what} {label} differs from the expected value at "
                            f"query neuron {i}: {np.round(arr[i], 6).tolist()} "
                            f"instead of {np.round(want_part[i], 6).tolist()}."
                            f"{hint}")
            return

    return _check_cases("check_mean_field_velocity", func, "velocity", cases(), check,
                        "your velocity field matches an independent computation and "
                        "equals -m times the risk gradient at the neurons.")


def _gd_test_inputs():
    """Starting neurons, data, tau and n_steps for particle gradient descent."""
    rng = np.random.default_rng(43)
    inputs = []
    for m, d, n, tau, n_steps in ((7, 2, 25, 0.1, 5), (20, 1, 15, 0.05, 12),
                                  (4, 3, 30, 0.2, 3)):
        inputs.append((rng.normal(size=m), rng.normal(size=(m, d)),
                       rng.normal(size=m), rng.normal(size=(n, d)),
                       rng.normal(size=n), tau, n_steps))
    return inputs


def check_particle_gradient_descent(func):
    r"""Check ``func(a, w, b, x, y, tau, n_steps)``: gradient descent with rate m tau.

    The expected final neurons are those of :func:`otnotes.train_two_layer`
    started from ``(a, w, b)``. A learning rate ``tau`` instead of ``m * tau``,
    a wrong number of steps, and modified input arrays are named.
    """
    from ..two_layer import train_two_layer

    def cases():
        for a, w, b, x, y, tau, n_steps in _gd_test_inputs():
            copies = (a.copy(), w.copy(), b.copy())
            yield ((*copies, x.copy(), y.copy(), tau, n_steps),
                   (copies, a, w, b, x, y, tau, n_steps))

    def check(got, case, problems):
        copies, a, w, b, x, y, tau, n_steps = case
        m, d = len(a), w.shape[1]
        if not all(np.array_equal(c, o) for c, o in zip(copies, (a, w, b),
                                                        strict=True)):
            problems.append("particle_gradient_descent modified its input arrays: "
                            "write a = a - ..., not a -= ....")
            return
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            problems.append("particle_gradient_descent should return a tuple "
                            f"(a, w, b), got {type(got).__name__}.")
            return
        what = (f"with m = {m}, d = {d}, tau = {tau:g} and {n_steps} steps, your "
                "final")
        arrays = [_as_answer_array(part, f"{what} {label}", problems, shape=shape)
                  for part, label, shape in zip(got, "awb", ((m,), (m, d), (m,)),
                                                strict=True)]
        if problems:
            return

        def final(rate_tau, steps, x=x, y=y, start=(a, w, b)):
            run = train_two_layer(x, y, len(start[0]), tau=rate_tau,
                                  n_steps=steps, initial=start, record_every=steps)
            return run.a[-1], run.w[-1], run.b[-1]

        want = final(tau, n_steps)
        if all(np.allclose(g, e, rtol=1e-9, atol=1e-12)
               for g, e in zip(arrays, want, strict=True)):
            return
        hint = ""
        slow = final(tau / m, n_steps)
        if all(np.allclose(g, e, rtol=1e-9, atol=1e-12)
               for g, e in zip(arrays, slow, strict=True)):
            hint = (" Your steps use the learning rate tau: the time step of the "
                    "flow is tau when the learning rate is m * tau.")
        else:
            for steps in (n_steps - 1, n_steps + 1):
                if steps > 0 and all(
                        np.allclose(g, e, rtol=1e-9, atol=1e-12)
                        for g, e in zip(arrays, final(tau, steps), strict=True)):
                    hint = f" You made {steps} steps instead of {n_steps}."
        part = next(k for k in range(3)
                    if not np.allclose(arrays[k], want[k], rtol=1e-9, atol=1e-12))
        err = np.abs(arrays[part] - want[part]).reshape(m, -1).max(axis=1)
        j = int(np.argmax(err))
        label = "awb"[part]
        problems.append(f"{what} neurons differ from gradient descent with learning "
                        f"rate m * tau: {label}_{j} is "
                        f"{np.round(arrays[part][j], 6).tolist()} instead of "
                        f"{np.round(want[part][j], 6).tolist()}.{hint}")

    return _check_cases("check_particle_gradient_descent", func,
                        "particle_gradient_descent", cases(), check,
                        "your gradient descent reproduces train_two_layer for three "
                        "networks.")
