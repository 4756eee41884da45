"""The assignment problem: the Monge problem between two clouds of n points."""

import numpy as np
from scipy.optimize import linear_sum_assignment

from ._validation import as_cost


def assignment(C):
    r"""Optimal permutation for the cost matrix ``C``.

    Solves

    .. math:: \min_{\sigma \in \mathrm{Perm}(n)} \sum_{i=1}^n C_{i, \sigma(i)},

    the Monge problem between :math:`\frac1n\sum_i \delta_{x_i}` and
    :math:`\frac1n\sum_j \delta_{y_j}` when :math:`C_{ij} = c(x_i, y_j)`.

    Parameters
    ----------
    C : array of shape (n, n)
        Finite square cost matrix.

    Returns
    -------
    sigma : int array of shape (n,)
        ``sigma[i]`` is the index of the target assigned to source ``i``.

    Notes
    -----
    Uses SciPy's ``linear_sum_assignment`` (a shortest augmenting path
    method, [1]_), which runs in :math:`O(n^3)` time.

    References
    ----------
    .. [1] D. F. Crouse, "On implementing 2D rectangular assignment
       algorithms", IEEE Trans. Aerospace and Electronic Systems 52 (2016).

    Examples
    --------
    >>> assignment([[1.0, 0.0], [0.0, 1.0]])
    array([1, 0])
    """
    C = as_cost(C, None, "C")
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"C must be a square matrix, got shape {C.shape}")
    if C.shape[0] == 0:
        raise ValueError("C must have at least one row, got shape (0, 0)")
    rows, cols = linear_sum_assignment(C)
    sigma = np.empty(C.shape[0], dtype=np.intp)
    sigma[rows] = cols
    return sigma
