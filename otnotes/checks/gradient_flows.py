"""Checkers of the chapter "Wasserstein gradient flows".

Implicit Euler steps of a Euclidean gradient flow, checked against a closed
form for a quadratic energy and through the implicit equation otherwise, and
the velocities of interacting particles, read off one explicit step of the
particle flow.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases


def _implicit_euler_problems():
    """Test problems (name, F, grad F, Hessian of F, x0, tau, n_steps, exact)."""
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    x0 = np.array([1.0, -2.0])
    tau, n_steps = 0.3, 6
    step = np.linalg.inv(np.eye(2) + tau * A)
    exact = [x0]
    for _ in range(n_steps):
        exact.append(step @ exact[-1])
    quadratic = ("F(x) = x^T A x / 2", lambda x: A @ x, lambda x: A,
                 x0, tau, n_steps, np.array(exact))
    w = np.array([1.0, -1.0, 2.0])
    nonquadratic = (
        "F(x) = |x|^2 / 2 + log cosh(w . x) in 3-D",
        lambda x: x + np.tanh(w @ x) * w,
        lambda x: np.eye(3) + (1 - np.tanh(w @ x) ** 2) * np.outer(w, w),
        np.array([2.0, 1.0, -1.0]), 0.25, 5, None,
    )
    return [quadratic, nonquadratic]


def check_implicit_euler(func):
    r"""Check ``func(grad_F, hess_F, x0, tau, n_steps)``: implicit Euler iterates.

    The answer must be an array of shape ``(n_steps + 1, d)`` starting at
    ``x0``. For :math:`F(x) = \frac12 x^\top A x` it is compared with the
    closed form :math:`x_k = (I + \tau A)^{-k} x_0`; for a non-quadratic
    :math:`F` each step must solve :math:`x_{k+1} - x_k + \tau\nabla
    F(x_{k+1}) = 0` to :math:`10^{-8}`. An explicit Euler (gradient descent)
    answer is recognised and named.
    """

    def check(got, case, problems):
        label, grad_F, x0, tau, n_steps, exact = case
        what = f"for {label}, the iterates"
        path = _as_answer_array(got, what, problems, shape=(n_steps + 1, len(x0)))
        if path is None:
            return
        if not np.allclose(path[0], x0, rtol=0, atol=1e-14):
            problems.append(f"{what} should start with x0 = {x0.tolist()}, got "
                            f"{path[0].tolist()} in row 0.")
            return
        explicit = [x0]
        for _ in range(n_steps):
            explicit.append(explicit[-1] - tau * grad_F(explicit[-1]))
        if np.allclose(path, np.array(explicit), rtol=0, atol=1e-10):
            problems.append(f"{what} are explicit Euler steps x_k - tau grad F(x_k): "
                            "the implicit scheme evaluates the gradient at the new "
                            "point, x_k+1 = x_k - tau grad F(x_k+1).")
            return
        residuals = np.array([np.linalg.norm(path[k + 1] - path[k]
                                             + tau * grad_F(path[k + 1]))
                              for k in range(n_steps)])
        k = int(np.argmax(residuals))
        if residuals[k] > 1e-8:
            problems.append(f"{what} do not solve the implicit equation: at step "
                            f"{k + 1}, |x_k+1 - x_k + tau grad F(x_k+1)| = "
                            f"{residuals[k]:.3g} (should be below 1e-8).")
            return
        if exact is not None and not np.allclose(path, exact, rtol=0, atol=1e-9):
            err = np.abs(path - exact).max(axis=1)
            k = int(np.argmax(err))
            problems.append(f"{what} differ from the closed form (I + tau A)^-k x0: "
                            f"row {k} is {path[k].tolist()} instead of "
                            f"{exact[k].tolist()}.")

    cases = (((grad_F, hess_F, x0.copy(), tau, n_steps),
              (label, grad_F, x0, tau, n_steps, exact))
             for label, grad_F, hess_F, x0, tau, n_steps, exact
             in _implicit_euler_problems())
    return _check_cases("check_implicit_euler", func, "implicit_euler", cases, check,
                        "your iterates solve the implicit Euler equation and match "
                        "the closed form for a quadratic energy.")


def _interaction_test_inputs():
    """Point clouds and exponents (x, a, b) for the interaction velocity."""
    rng = np.random.default_rng(7)
    return [
        (rng.normal(size=(12, 2)), 2.0, 0.0),
        (rng.normal(size=(9, 2)), 4.0, 2.0),
        (rng.normal(size=(10, 3)), 3.0, 1.5),
        (rng.normal(size=(8, 1)), 2.0, 1.0),
    ]


def check_interaction_velocity(func):
    r"""Check ``func(x, a, b)``: velocities of interacting particles.

    The expected value is :math:`v_i = -\frac1N\sum_{j \ne i}(|x_i -
    x_j|^{a-2} - |x_i - x_j|^{b-2})(x_i - x_j)`, read off one explicit Euler
    step of :func:`otnotes.interaction_flow`. A wrong sign or a missing
    factor :math:`1/N` is named in the message.
    """
    from ..particles import interaction_flow

    def check(got, case, problems):
        x, a, b = case
        what = f"for {x.shape[0]} points in dimension {x.shape[1]} with a = {a:g}, " \
               f"b = {b:g}, the velocities"
        arr = _as_answer_array(got, what, problems, shape=x.shape)
        if arr is None:
            return
        step = interaction_flow(x, tau=1.0, n_steps=1, a=a, b=b)
        want = step.x[1] - step.x[0]
        if np.allclose(arr, want, rtol=1e-9, atol=1e-12):
            return
        n = x.shape[0]
        hint = ""
        if np.allclose(arr, -want, rtol=1e-9, atol=1e-12):
            hint = (" You returned the gradient: the velocity is minus the "
                    "gradient of the energy.")
        elif np.allclose(arr, n * want, rtol=1e-9, atol=1e-12):
            hint = " The factor 1/N is missing."
        elif np.allclose(arr * n, want, rtol=1e-9, atol=1e-12):
            hint = " You divided by N twice (or by N^2)."
        i = int(np.argmax(np.abs(arr - want).max(axis=1)))
        problems.append(f"{what} differ from the expected ones: v_{i} should be "
                        f"{np.round(want[i], 6).tolist()}, got "
                        f"{np.round(arr[i], 6).tolist()}.{hint}")

    cases = (((x.copy(), a, b), (x, a, b)) for x, a, b in _interaction_test_inputs())
    return _check_cases("check_interaction_velocity", func, "interaction_velocity",
                        cases, check, "your velocities match the particle flow for "
                        "four kernels and clouds.")
