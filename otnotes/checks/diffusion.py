"""Checkers of the chapter "Diffusion models and flow matching".

The score of a Gaussian mixture, also far from the data where every density
underflows, and an Euler–Maruyama sampler of the family of reverse-time
equations that share the marginals of the forward process, run with fixed
Gaussian draws so that the answer is compared path by path.
"""

import numpy as np

from ._core import _as_answer_array, _check_cases, _peek_array


def _mixture_score_test_cases():
    """(label, x, weights, means, covs) for the score of a Gaussian mixture."""
    rng = np.random.default_rng(31)
    covs2 = np.array([[[0.3, 0.1], [0.1, 0.2]], [[0.15, 0.0], [0.0, 0.15]],
                      [[0.4, -0.15], [-0.15, 0.2]]])
    means2 = np.array([[-2.5, 1.0], [2.0, 1.5], [0.5, -2.5]])
    weights2 = np.array([0.3, 0.45, 0.25])
    a = rng.normal(size=(3, 3))
    covs3 = np.array([np.eye(3), a @ a.T + 0.5 * np.eye(3)])
    return [
        ("a 2-D mixture of three components", rng.normal(size=(20, 2)) * 2,
         weights2, means2, covs2),
        ("a 1-D mixture", rng.normal(size=(15, 1)) * 3, np.array([0.2, 0.8]),
         np.array([[-1.0], [2.0]]), np.array([[[0.5]], [[2.0]]])),
        ("a 3-D mixture", rng.normal(size=(10, 3)), np.array([0.6, 0.4]),
         rng.normal(size=(2, 3)), covs3),
        ("points far from the 2-D mixture", np.array([[40.0, -35.0], [-60.0, 5.0],
                                                      [0.0, 80.0]]),
         weights2, means2, covs2),
    ]


def check_mixture_score(func):
    r"""Check ``func(x, weights, means, covs)``: the score of a Gaussian mixture.

    The expected value is :math:`-\sum_k r_k(x)\Sigma_k^{-1}(x - m_k)`,
    computed by :meth:`otnotes.GaussianMixture.score`. The last test case
    puts points so far from the components that every density underflows:
    a NaN there is reported with a hint about the log-sum-exp trick; a
    wrong sign or a covariance in place of its inverse are named.
    """
    from ..diffusion import GaussianMixture

    def check(got, case, problems):
        label, x, weights, means, covs = case
        want = GaussianMixture(weights, means, covs).score(x)
        what = f"for {label}, the scores"
        arr = _peek_array(got)
        if arr is not None and arr.shape == x.shape and not np.isfinite(arr).all():
            problems.append(f"{what} contain NaN or infinite values: far from the "
                            "data every density w_k phi_k(x) underflows to 0. Compute "
                            "the responsibilities from the logarithms, subtracting "
                            "their maximum over k before exponentiating "
                            "(log-sum-exp).")
            return
        arr = _as_answer_array(got, what, problems, shape=x.shape)
        if arr is None:
            return
        if np.allclose(arr, want, rtol=1e-7, atol=1e-9):
            return
        hint = ""
        if np.allclose(arr, -want, rtol=1e-7, atol=1e-9):
            hint = (" You have the opposite sign: the score points towards the "
                    "components, -Sigma_k^{-1}(x - m_k).")
        else:
            swapped = GaussianMixture(weights, means, covs)
            log_comp, _ = swapped._component_terms(x)
            resp = np.exp(log_comp - log_comp.max(axis=1, keepdims=True))
            resp /= resp.sum(axis=1, keepdims=True)
            diff = x[:, None, :] - means[None, :, :]
            with_cov = -np.einsum("nk,kij,nkj->ni", resp, covs, diff)
            if np.allclose(arr, with_cov, rtol=1e-7, atol=1e-9):
                hint = (" You multiplied by the covariance Sigma_k instead of its "
                        "inverse.")
        i = int(np.argmax(np.abs(arr - want).max(axis=1)))
        problems.append(f"{what} differ from the expected ones: at x = "
                        f"{np.round(x[i], 4).tolist()} the score should be "
                        f"{np.round(want[i], 6).tolist()}, got "
                        f"{np.round(arr[i], 6).tolist()}.{hint}")

    cases = (((x.copy(), weights.copy(), means.copy(), covs.copy()),
              (label, x, weights, means, covs))
             for label, x, weights, means, covs in _mixture_score_test_cases())
    return _check_cases("check_mixture_score", func, "mixture_score", cases, check,
                        "your scores match the closed form on four test cases, far "
                        "from the data too.")


def _sample_family_test_cases():
    """(g, seed, n_steps) for the family of samplers with the same marginals."""
    return [(float(np.sqrt(2.0)), 41, 30), (0.0, 42, 25), (1.0, 43, 20)]


def _sample_family_reference(mixture, x_T, T, g, noise):
    n_steps = noise.shape[0]
    h = T / n_steps
    y = np.array(x_T, dtype=float)
    for k in range(n_steps):
        drift = y + (1 + g**2 / 2) * mixture.ou_marginal(T - k * h).score(y)
        y = y + h * drift + g * np.sqrt(h) * noise[k]
    return y


def check_sample_family(func):
    r"""Check ``func(mixture, x_T, T, g, noise)``: Euler–Maruyama for the family
    :math:`dY = (Y + (1 + g^2/2)\nabla\log p_{T-s}(Y))ds + g\,dW`.

    For :math:`g = \sqrt2` the answer is compared with
    :func:`otnotes.reverse_sde` run with the same Gaussian draws; for
    :math:`g = 0` and :math:`g = 1` with a direct implementation of the
    scheme. Common slips (score at :math:`t_{k+1}`, the factor
    :math:`1 + g^2/2` left out, noise scaled by :math:`h`) are named.
    """
    from ..diffusion import GaussianMixture, reverse_sde

    mixture = GaussianMixture([0.4, 0.6], [[-1.5, 0.5], [1.5, -0.5]],
                              [0.3 * np.eye(2), [[0.5, 0.2], [0.2, 0.3]]])
    T = 2.0

    def cases():
        for g, seed, n_steps in _sample_family_test_cases():
            x_T = np.random.default_rng(seed + 100).standard_normal((40, 2))
            rng = np.random.default_rng(seed)
            noise = np.stack([rng.standard_normal(x_T.shape) for _ in range(n_steps)])
            args = (mixture, x_T.copy(), T, g, noise.copy())
            yield args, (g, seed, n_steps, x_T, noise)

    def check(got, case, problems):
        g, seed, n_steps, x_T, noise = case
        what = f"for g = {g:.4g} with {n_steps} steps, the final points"
        arr = _as_answer_array(got, what, problems, shape=x_T.shape)
        if arr is None:
            return
        if g > 1.4:
            want = reverse_sde(mixture, x_T, T=T, n_steps=n_steps, seed=seed,
                               record_every=n_steps).x[-1]
        else:
            want = _sample_family_reference(mixture, x_T, T, g, noise)
        if np.allclose(arr, want, rtol=1e-8, atol=1e-9):
            return
        h = T / n_steps
        hint = ""
        late = x_T.copy()
        plain = x_T.copy()
        for k in range(n_steps):
            late = (late + h * (late + (1 + g**2 / 2)
                                * mixture.ou_marginal(T - (k + 1) * h).score(late))
                    + g * np.sqrt(h) * noise[k])
            plain = (plain + h * (plain + mixture.ou_marginal(T - k * h).score(plain))
                     + g * np.sqrt(h) * noise[k])
        if np.allclose(arr, late, rtol=1e-8, atol=1e-9):
            hint = (" You evaluated the score at the end of each step, t_k+1; the "
                    "explicit scheme uses t_k = T - k h.")
        elif g > 0 and np.allclose(arr, plain, rtol=1e-8, atol=1e-9):
            hint = " The score must be multiplied by 1 + g^2 / 2."
        elif g > 0:
            scaled = x_T.copy()
            for k in range(n_steps):
                scaled = (scaled + h * (scaled + (1 + g**2 / 2)
                                        * mixture.ou_marginal(T - k * h).score(scaled))
                          + g * h * noise[k])
            if np.allclose(arr, scaled, rtol=1e-8, atol=1e-9):
                hint = " The noise of a step has standard deviation g sqrt(h), not g h."
        err = np.abs(arr - want).max()
        problems.append(f"{what} differ from the expected ones by up to {err:.3g}."
                        f"{hint}")

    return _check_cases("check_sample_family", func, "sample_family", cases(), check,
                        "your sampler reproduces reverse_sde for g = sqrt 2 and the "
                        "Euler-Maruyama scheme for g = 0 and g = 1.")
