"""Ground costs between two point clouds."""

import numpy as np
from scipy.spatial.distance import cdist

from ._validation import as_points, check_positive


def cost_matrix(x, y, p=2):
    r"""Matrix of costs :math:`C_{ij} = \|x_i - y_j\|^p` between two point clouds.

    Parameters
    ----------
    x : array of shape (n, d) or (n,)
        Source points :math:`x_1, \dots, x_n \in \mathbb{R}^d`.
    y : array of shape (m, d) or (m,)
        Target points :math:`y_1, \dots, y_m \in \mathbb{R}^d`.
    p : float, default 2
        Exponent :math:`p > 0`. ``p=2`` is the squared Euclidean cost.

    Returns
    -------
    C : array of shape (n, m)
        ``C[i, j] = |x_i - y_j|^p`` with the Euclidean norm.

    Examples
    --------
    >>> cost_matrix([0.0, 1.0], [0.0, 3.0])
    array([[0., 9.],
           [1., 4.]])
    """
    x = as_points(x, "x")
    y = as_points(y, "y")
    p = check_positive(p, "p")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"x and y must live in the same dimension, got x with {x.shape[1]} "
            f"coordinates and y with {y.shape[1]}"
        )
    if p == 2:
        # Differences are formed exactly: no |x|^2 + |y|^2 - 2<x, y> cancellation.
        return cdist(x, y, "sqeuclidean")
    dist = cdist(x, y, "euclidean")
    if p == 1:
        return dist
    return np.power(dist, p)
