r"""Bertsekas' auction algorithm for the assignment problem, with ε-scaling.

**Problem.** For a square cost matrix :math:`C \in \mathbb{R}^{n \times n}`,
find a permutation :math:`\sigma` minimising
:math:`\sum_{i=1}^n C_{i\sigma(i)}`: persons :math:`i` are assigned to
objects :math:`j`. Its linear-programming dual is

.. math:: \max_{f, g} \sum_i f_i + \sum_j g_j
   \quad \text{subject to} \quad f_i + g_j \le C_{ij}.

**Prices.** The auction keeps a price :math:`p_j` per object (the dual
variable :math:`g_j = -p_j`). Person :math:`i` pays :math:`C_{ij} + p_j` for
object :math:`j`. An assignment :math:`\sigma` and prices :math:`p` satisfy
**ε-complementary slackness** (ε-CS) when every person holds an object
within :math:`\varepsilon` of their cheapest:

.. math:: C_{i\sigma(i)} + p_{\sigma(i)} \le \min_k (C_{ik} + p_k) + \varepsilon
   \quad \text{for all } i.

**Bidding.** An unassigned person :math:`i` finds its cheapest object
:math:`j^\star` (total :math:`v_1`) and second cheapest total :math:`v_2`, and
bids the price :math:`p_{j^\star} + (v_2 - v_1) + \varepsilon`: the highest
price at which :math:`j^\star` stays within :math:`\varepsilon` of the best
deal. Each object goes to its highest bidder; its previous holder becomes
unassigned. Prices only rise, each accepted bid by at least
:math:`\varepsilon`, so the auction ends with everyone assigned, and ε-CS
holds throughout for the assigned persons.

**Theorem (near-optimality).** If :math:`(\sigma, p)` is a full assignment
satisfying ε-CS, then

.. math:: \sum_i C_{i\sigma(i)} \le \min_\tau \sum_i C_{i\tau(i)} + n\varepsilon .

*Proof.* Set :math:`f_i = \min_k (C_{ik} + p_k)` and :math:`g_j = -p_j`: they
satisfy :math:`f_i + g_j \le C_{ij}`, so by weak duality
:math:`D = \sum_i f_i + \sum_j g_j` is at most the optimal cost. Summing ε-CS
over :math:`i` (each object appears once in :math:`\sigma`),
:math:`\sum_i C_{i\sigma(i)} \le \sum_i f_i + n\varepsilon - \sum_j p_j
= D + n\varepsilon`. :math:`\square`

**Corollary (exactness).** If every :math:`C_{ij}` is an integer multiple of
:math:`\delta > 0` and :math:`\varepsilon < \delta / n`, then :math:`\sigma`
is optimal: its cost and the optimum are multiples of :math:`\delta` less
than :math:`\delta` apart.

**ε-scaling.** Small :math:`\varepsilon` makes the auction slow (many small
bids, "price wars"). Running it for a decreasing sequence
:math:`\varepsilon_0 > \varepsilon_1 > \dots`, each phase starting from the
previous prices, keeps every phase short [2]_.

References
----------
.. [1] D. P. Bertsekas, "The auction algorithm: A distributed relaxation
   method for the assignment problem", Annals of Operations Research 14
   (1988).
.. [2] D. P. Bertsekas, *Network Optimization: Continuous and Discrete
   Models*, Athena Scientific, 1998, Chapter 7.
.. [3] G. Peyré and M. Cuturi, *Computational Optimal Transport*, 2019,
   Section 3.6.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, as_cost, check_finite, check_positive

__all__ = ["AuctionResult", "auction", "eps_complementary_slackness"]


def _as_square_cost(C):
    C = as_cost(C, None, "C")
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"C must be a square matrix, got shape {C.shape}")
    if C.shape[0] == 0:
        raise ValueError("C must have at least one row, got shape (0, 0)")
    return C


@dataclass(frozen=True, eq=False)
class AuctionResult:
    r"""Result of :func:`auction`.

    Attributes
    ----------
    sigma : int array of shape (n,)
        ``sigma[i]`` is the object assigned to person ``i``.
    cost : float
        :math:`\sum_i C_{i\sigma(i)}`.
    prices : array of shape (n,)
        Final prices :math:`p_j`.
    f, g : arrays of shape (n,)
        Dual potentials :math:`f_i = \min_k (C_{ik} + p_k)` and
        :math:`g_j = -p_j`; they satisfy :math:`f_i + g_j \le C_{ij}` for all
        pairs.
    dual_value : float
        :math:`\sum_i f_i + \sum_j g_j`, a lower bound on the optimal cost;
        ``cost - dual_value`` is at most :math:`n\,\varepsilon`.
    eps : float
        The :math:`\varepsilon` of the last phase.
    n_phases : int
        Number of ε-scaling phases.
    n_rounds : int
        Number of bidding rounds, over all phases (every unassigned person
        bids once per round).
    n_bids : int
        Number of bids, over all phases.
    """

    sigma: np.ndarray
    cost: float
    prices: np.ndarray
    f: np.ndarray
    g: np.ndarray
    dual_value: float
    eps: float
    n_phases: int
    n_rounds: int
    n_bids: int


def _auction_phase(C, prices, eps):
    """One auction at fixed eps, all unassigned persons bidding at once.

    Updates ``prices`` in place; returns the assignment and the counts.
    """
    n = C.shape[0]
    sigma = np.full(n, -1)
    holder = np.full(n, -1)
    bidders = np.arange(n)
    n_rounds = n_bids = 0
    while bidders.size:
        # Each bidder's cheapest object and the gap to the second cheapest.
        totals = C[bidders] + prices
        rows = np.arange(bidders.size)
        best = np.argmin(totals, axis=1)
        best_total = totals[rows, best]
        totals[rows, best] = np.inf
        second_total = totals.min(axis=1)
        bids = prices[best] + (second_total - best_total) + eps

        # Each object receiving bids goes to the highest one.
        order = np.lexsort((-bids, best))
        first = np.ones(order.size, dtype=bool)
        first[1:] = best[order[1:]] != best[order[:-1]]
        winners = bidders[order[first]]
        won = best[order[first]]
        previous = holder[won]
        sigma[previous[previous >= 0]] = -1
        holder[won] = winners
        sigma[winners] = won
        prices[won] = bids[order[first]]

        n_rounds += 1
        n_bids += bidders.size
        bidders = np.flatnonzero(sigma < 0)
    return sigma, n_rounds, n_bids


def auction(C, *, eps_final=None, eps_start=None, scaling=5.0):
    r"""Assignment problem by the auction algorithm with ε-scaling.

    Solves

    .. math:: \min_{\sigma \in \mathrm{Perm}(n)} \sum_{i=1}^n C_{i\sigma(i)}

    to within :math:`n\,\varepsilon_{\text{final}}`, exactly when the costs
    are integers and :math:`\varepsilon_{\text{final}} < 1/n` (see the module
    docstring for the algorithm, the theorem and its proof).

    Parameters
    ----------
    C : array of shape (n, n)
        Finite square cost matrix.
    eps_final : float, optional
        The :math:`\varepsilon` of the last phase. By default
        :math:`1/(n+1)` when every entry of ``C`` is an integer (the result is
        then optimal), and :math:`\max(10^{-9}/n, 10^{-13}) \max_{ij}|C_{ij}|`
        otherwise (within :math:`10^{-9}\max|C|` of optimal for
        :math:`n \le 10^4`). It must be at least :math:`10^{-13}\max|C|`:
        below that, bids are lost to rounding.
    eps_start : float, optional
        The :math:`\varepsilon` of the first phase; by default half the
        spread :math:`\max C - \min C` (and at least ``eps_final``).
    scaling : float, default 5
        Factor :math:`\theta > 1` by which :math:`\varepsilon` is divided
        between phases.

    Returns
    -------
    AuctionResult
        Assignment, cost, prices and dual potentials, and counts of phases,
        rounds and bids.

    Notes
    -----
    This is the Jacobi form of the forward auction: in each round every
    unassigned person bids at once, which makes a round a few vectorised
    operations. The theorem holds for it unchanged, since a winning bid is
    computed from prices that can only have risen since. The number of
    rounds is finite (every accepted bid raises a price by at least
    :math:`\varepsilon`, and prices stay bounded) but grows as
    :math:`\varepsilon` shrinks compared with the spread of :math:`C`;
    ε-scaling keeps it small in practice.

    Examples
    --------
    >>> res = auction([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    >>> res.sigma, res.cost
    (array([1, 0, 2]), 5.0)
    """
    C = _as_square_cost(C)
    n = C.shape[0]
    magnitude = float(np.max(np.abs(C)))
    scale = magnitude if magnitude > 0 else 1.0
    if eps_final is None:
        if np.all(C == np.round(C)):
            eps_final = 1.0 / (n + 1)
        else:
            eps_final = max(1e-9 / n, 1e-13) * scale
    else:
        eps_final = check_positive(eps_final, "eps_final")
    # Prices stay within a modest multiple of max|C|; an increment below
    # this floor could vanish when added to a price, and bidding would stall.
    if eps_final < 1e-13 * scale:
        raise ValueError(
            f"eps_final must be at least 1e-13 * max|C| = {1e-13 * scale:.3g} "
            f"(smaller price increments are lost to rounding), got {eps_final!r}; "
            f"for integer costs this means max|C| < 1e13 / (n + 1)"
        )
    spread = float(C.max() - C.min())
    if eps_start is None:
        eps_start = max(spread / 2, eps_final)
    else:
        eps_start = check_positive(eps_start, "eps_start")
        if eps_start < eps_final:
            raise ValueError(
                f"eps_start must be at least eps_final = {eps_final!r}, got "
                f"{eps_start!r}"
            )
    scaling = check_positive(scaling, "scaling")
    if scaling <= 1:
        raise ValueError(f"scaling must be greater than 1, got {scaling!r}")

    prices = np.zeros(n)
    eps = eps_start
    n_phases = n_rounds = n_bids = 0
    if n == 1:
        # One person, one object: nothing to bid against.
        sigma, n_phases, eps = np.zeros(1, dtype=np.intp), 1, eps_final
    else:
        while True:
            sigma, rounds, bids = _auction_phase(C, prices, eps)
            n_phases += 1
            n_rounds += rounds
            n_bids += bids
            if eps <= eps_final:
                break
            eps = max(eps / scaling, eps_final)
    f = np.min(C + prices, axis=1)
    g = -prices
    return AuctionResult(
        sigma=sigma.astype(np.intp),
        cost=float(C[np.arange(n), sigma].sum()),
        prices=prices,
        f=f,
        g=g,
        dual_value=float(f.sum() + g.sum()),
        eps=float(eps),
        n_phases=n_phases,
        n_rounds=n_rounds,
        n_bids=n_bids,
    )


def eps_complementary_slackness(C, sigma, prices):
    r"""The smallest :math:`\varepsilon \ge 0` for which :math:`(\sigma, p)` is ε-CS.

    .. math:: \varepsilon(\sigma, p) = \max_i \Big( C_{i\sigma(i)} + p_{\sigma(i)}
       - \min_k (C_{ik} + p_k) \Big),

    so :math:`(\sigma, p)` satisfies ε-complementary slackness exactly when
    ``eps_complementary_slackness(C, sigma, prices) <= eps``, and then
    :math:`\sigma` is within :math:`n\varepsilon` of optimal. For the output
    of :func:`auction` the value is at most ``result.eps`` up to rounding
    (a relative error of order :math:`10^{-16}` in the sums
    :math:`C_{ij} + p_j`). A value of 0 certifies that :math:`\sigma` is
    optimal, with :math:`-p` an optimal dual variable.

    Parameters
    ----------
    C : array of shape (n, n)
        Finite square cost matrix.
    sigma : int array of shape (n,)
        A permutation of ``0, ..., n - 1``.
    prices : array of shape (n,)
        Finite prices :math:`p_j`.

    Returns
    -------
    float

    Examples
    --------
    >>> eps_complementary_slackness([[0, 1], [1, 0]], [1, 0], [0.0, 0.0])
    1.0
    """
    C = _as_square_cost(C)
    n = C.shape[0]
    sigma_arr = as_array(sigma, "sigma", ndim=1, dtype=None)
    if sigma_arr.shape[0] != n or not np.issubdtype(sigma_arr.dtype, np.integer):
        raise ValueError(
            f"sigma must be an integer array of length {n}, got "
            f"{sigma_arr.dtype} of length {sigma_arr.shape[0]}"
        )
    if not np.array_equal(np.sort(sigma_arr), np.arange(n)):
        raise ValueError(
            f"sigma must be a permutation of 0, ..., {n - 1}, got {sigma_arr.tolist()}"
            if n <= 20
            else f"sigma must be a permutation of 0, ..., {n - 1}"
        )
    prices = check_finite(as_array(prices, "prices", ndim=1), "prices")
    if prices.shape[0] != n:
        raise ValueError(
            f"prices must have length {n}, got length {prices.shape[0]}"
        )
    totals = C + prices
    held = totals[np.arange(n), sigma_arr]
    return float(max(np.max(held - totals.min(axis=1)), 0.0))
