"""Checkers of the chapter "Generative adversarial networks through duality".

The Lipschitz bound of a multilayer perceptron by the product of the
operator norms of its weights, and the gradient penalty of a Wasserstein GAN
critic at points interpolated between real and generated samples.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _tolerance


def _lipschitz_bound_test_inputs():
    """MLP parameter lists (layout of otnotes.mlp) on which the bound is checked."""
    rng = np.random.default_rng(50)
    inputs = []
    for sizes in ([2, 5, 1], [3, 8, 6, 2], [2, 64, 1], [4, 4]):
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
            params.append(rng.normal(size=(n_in, n_out)))
            params.append(rng.normal(size=n_out))
        inputs.append(params)
    return inputs


def check_lipschitz_bound(func, rtol=1e-9):
    r"""Check ``func(params)``: the product of the operator norms of the weights.

    For ``params = [W_1, c_1, ..., W_L, c_L]`` the answer must be the float
    :math:`\prod_\ell \|W_\ell\|_2` (largest singular values). Using the
    Frobenius norm, or including the biases, is named in the message.
    """
    rtol = _tolerance(rtol, "rtol")

    def check(got, case, problems):
        k, params = case
        what = f"on test network {k} ({len(params) // 2} layers)"
        value = _as_answer_array(got, f"the bound {what}", problems, shape=())
        if value is None:
            return
        value = float(value)
        weights = params[0::2]
        want = float(np.prod([np.linalg.norm(W, 2) for W in weights]))
        if abs(value - want) > rtol * abs(want):
            hint = ""
            frobenius = float(np.prod([np.linalg.norm(W) for W in weights]))
            with_biases = float(np.prod([np.linalg.norm(np.atleast_2d(p), 2)
                                         for p in params]))
            if abs(value - frobenius) <= rtol * frobenius:
                hint = (" This is the product of Frobenius norms: use the largest "
                        "singular value, np.linalg.norm(W, 2).")
            elif abs(value - with_biases) <= rtol * with_biases:
                hint = " Only the weight matrices params[0::2] enter the bound."
            problems.append(f"{what}, the bound should be {want:.10g}, got "
                            f"{value:.10g}.{hint}")

    cases = ((([p.copy() for p in params],), (k, params))
             for k, params in enumerate(_lipschitz_bound_test_inputs()))
    return _check_cases("check_lipschitz_bound", func, "your function", cases, check,
                        "your bound agrees with the product of operator norms on all "
                        "test networks.")


def _gradient_penalty_test_inputs():
    rng = np.random.default_rng(51)
    inputs = []
    for n, hidden, weight in ((5, 3, 1.0), (40, 16, 10.0), (1, 8, 0.5)):
        params = [rng.normal(size=(2, hidden)), rng.normal(size=hidden),
                  rng.normal(size=(hidden, 1)), rng.normal(size=1)]
        x_real = rng.normal(size=(n, 2)) + 2.0
        x_fake = rng.normal(size=(n, 2))
        t = rng.random(n)
        inputs.append((params, x_real, x_fake, t, weight))
    return inputs


def _critic_input_gradients(params, x):
    W1, c1, W2 = params[0], params[1], params[2]
    h = np.tanh(x @ W1 + c1)
    return ((1.0 - h**2) * W2[:, 0]) @ W1.T


def check_gradient_penalty(func, rtol=1e-9):
    r"""Check ``func(params, x_real, x_fake, t, weight)``: the gradient penalty.

    The answer must be :math:`\lambda\frac1N\sum_i(\|\nabla D(\hat x_i)\| -
    1)^2` with :math:`\hat x_i = t_i x_i^{real} + (1 - t_i) x_i^{fake}`, for
    the one-hidden-layer tanh critic ``params = [W_1, c_1, W_2, c_2]``.
    Common slips (squared norm, missing ``- 1``, swapped interpolation,
    missing weight) are named in the message.
    """
    rtol = _tolerance(rtol, "rtol")

    def check(got, case, problems):
        k, params, x_real, x_fake, t, weight = case
        what = f"on test input {k} ({len(t)} points, weight {weight:g})"
        value = _as_answer_array(got, f"the penalty {what}", problems, shape=())
        if value is None:
            return
        value = float(value)

        def penalty(x_hat, transform=lambda g: (g - 1.0) ** 2, lam=weight,
                    params=params):
            norms = np.linalg.norm(_critic_input_gradients(params, x_hat), axis=1)
            return float(lam * np.mean(transform(norms)))

        x_hat = t[:, None] * x_real + (1 - t[:, None]) * x_fake
        want = penalty(x_hat)
        if abs(value - want) > rtol * abs(want):
            slips = [
                (penalty(x_hat, lambda g: (g**2 - 1.0) ** 2),
                 "use the norm of the gradient, not its square"),
                (penalty(x_hat, lambda g: g**2),
                 "the penalty is (|grad D| - 1)^2: the '- 1' is missing"),
                (penalty(t[:, None] * x_fake + (1 - t[:, None]) * x_real),
                 "x_hat = t * x_real + (1 - t) * x_fake: the roles are swapped"),
                (penalty(x_hat, lam=1.0), "multiply by the weight lambda"),
            ]
            hint = next((f" Hint: {text}." for other, text in slips
                         if abs(value - other) <= rtol * abs(other)), "")
            problems.append(f"{what}, the penalty should be {want:.10g}, got "
                            f"{value:.10g}.{hint}")

    cases = ((([p.copy() for p in params], x_real.copy(), x_fake.copy(), t.copy(),
               weight), (k, params, x_real, x_fake, t, weight))
             for k, (params, x_real, x_fake, t, weight)
             in enumerate(_gradient_penalty_test_inputs()))
    return _check_cases("check_gradient_penalty", func, "your function", cases, check,
                        "your gradient penalty agrees with the reference on all test "
                        "inputs.")
