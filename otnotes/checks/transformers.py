"""Checkers of the chapter "Transformers as interacting particles".

Softmax attention, which normalises the rows of the exponentiated logits,
and Sinkhorn attention, its doubly stochastic scaling; both are checked on
logits large enough for the naive formulas to overflow.
"""

import numpy as np

from .._validation import check_positive_int
from ._core import _as_answer_array, _check_cases


def _softmax_attention_test_inputs():
    """Tokens and inverse temperatures (x, beta), one large enough to overflow."""
    from ..attention import random_tokens

    rng = np.random.default_rng(41)
    return [
        (random_tokens(5, 2, seed=1), 1.0),
        (rng.normal(size=(7, 3)), 2.5),
        (random_tokens(9, 4, seed=2), 0.0),
        (random_tokens(8, 3, seed=3), 1000.0),
    ]


def check_softmax_attention(func):
    r"""Check ``func(x, beta)``: the softmax attention matrix of tokens ``x``.

    The expected value is :math:`A_{ij} = e^{\beta\langle x_i, x_j\rangle} /
    \sum_k e^{\beta\langle x_i, x_k\rangle}`, from
    :func:`otnotes.attention_matrix`. The last test input has logits of size
    1000, for which the naive formula overflows; a transposed answer
    (columns normalised instead of rows) is named.
    """
    from ..attention import attention_matrix

    def check(got, case, problems):
        x, beta = case
        n = x.shape[0]
        what = f"for {n} tokens in dimension {x.shape[1]} and beta = {beta:g}, A"
        A = _as_answer_array(got, what, problems, shape=(n, n))
        if A is None:
            if beta >= 100 and any("NaN" in p for p in problems):
                problems.append("Subtract the largest logit of each row before "
                                "taking exponentials (or use logsumexp).")
            return
        want = attention_matrix(x, beta=beta)
        if np.allclose(A, want, rtol=1e-9, atol=1e-12):
            return
        hint = ""
        if np.allclose(A.T, want, rtol=1e-9, atol=1e-12):
            hint = (" Your columns sum to 1: normalise each row instead (token i "
                    "distributes its attention over the tokens j).")
        elif not np.allclose(A.sum(axis=1), 1.0, atol=1e-9):
            i = int(np.argmax(np.abs(A.sum(axis=1) - 1.0)))
            hint = f" Row {i} sums to {A[i].sum():.6g} instead of 1."
        i, j = np.unravel_index(np.argmax(np.abs(A - want)), A.shape)
        problems.append(f"{what} differs from the softmax attention: A[{i}, {j}] "
                        f"is {A[i, j]:.6g} instead of {want[i, j]:.6g}.{hint}")

    cases = (((x.copy(), beta), (x, beta))
             for x, beta in _softmax_attention_test_inputs())
    return _check_cases("check_softmax_attention", func, "softmax_attention", cases,
                        check, "your attention matches softmax on four inputs, "
                        "including beta = 1000, where the naive formula overflows.")


def _sinkhorn_attention_test_inputs():
    """Tokens, inverse temperatures and query matrices (x, beta, Q)."""
    from ..attention import random_tokens

    rng = np.random.default_rng(42)
    cases = []
    for n, d, beta, general in ((6, 2, 1.0, True), (10, 3, 2.0, True),
                                (8, 3, 800.0, False), (5, 3, 0.0, False)):
        x = random_tokens(n, d, seed=n + d)
        Q = rng.standard_normal((d, d)) if general else np.eye(d)
        cases.append((x, beta, Q))
    return cases


def check_sinkhorn_attention(func, n_iter=500):
    r"""Check ``func(L, n_iter)``: the doubly stochastic scaling of ``exp(L)``.

    The logits are :math:`L_{ij} = \beta\langle Q x_i, x_j\rangle` with a
    non-symmetric :math:`Q` in two of the four test inputs, and
    :math:`\beta = 800` in one of them, where :math:`e^{L}` overflows. The
    expected matrix is :func:`otnotes.attention_matrix` with
    ``kind="sinkhorn"``. Returning softmax attention (rows only) is named.
    """
    from ..attention import attention_matrix

    n_iter = check_positive_int(n_iter, "n_iter")

    def cases():
        for x, beta, Q in _sinkhorn_attention_test_inputs():
            L = beta * (x @ Q.T) @ x.T
            yield (L.copy(), n_iter), (x, beta, Q, L)

    def check(got, case, problems):
        x, beta, Q, L = case
        n = x.shape[0]
        what = f"for {n} tokens and logits up to {np.abs(L).max():.3g}, A"
        A = _as_answer_array(got, what, problems, shape=(n, n))
        if A is None:
            if beta >= 100 and any("NaN" in p for p in problems):
                problems.append("exp(L) overflows here: iterate on the log-scalings "
                                "f, g with logsumexp instead of on e^f, e^g.")
            return
        want = attention_matrix(x, beta=beta, Q=Q, kind="sinkhorn", tol=1e-13,
                                max_iter=100_000)
        if np.allclose(A, want, rtol=1e-7, atol=1e-9):
            return
        rows = np.abs(A.sum(axis=1) - 1.0).max()
        cols = np.abs(A.sum(axis=0) - 1.0).max()
        softmax = attention_matrix(x, beta=beta, Q=Q)
        if np.allclose(A, softmax, rtol=1e-9, atol=1e-12) and cols > 1e-6:
            hint = (" This is softmax attention: the rows sum to 1 but the columns "
                    f"do not (off by up to {cols:.2g}); alternate row and column "
                    "normalisations.")
        elif rows > 1e-7 or cols > 1e-7:
            hint = (f" Its row sums are off by up to {rows:.2g} and its column sums "
                    f"by up to {cols:.2g}, instead of 1.")
        else:
            hint = (" It is doubly stochastic but not a scaling diag(u) exp(L) "
                    "diag(v) of exp(L).")
        problems.append(f"{what} differs from the Sinkhorn attention by up to "
                        f"{np.abs(A - want).max():.3g}.{hint}")

    return _check_cases("check_sinkhorn_attention", func, "sinkhorn_attention",
                        cases(), check, "your matrix is the doubly stochastic "
                        "scaling of exp(L) on four inputs, including non-symmetric "
                        "logits and logits of size 800.")
