r"""c-transforms: the lower envelopes behind the dual of optimal transport.

For a cost matrix :math:`C \in \mathbb{R}^{n \times m}` and a potential
:math:`f \in \mathbb{R}^n` on the sources, the c-transform

.. math:: f^c_j = \min_{i} \, (C_{ij} - f_i), \qquad j = 1, \dots, m,

is the largest :math:`g` with :math:`f_i + g_j \le C_{ij}` for all pairs. It
turns the dual problem into the semi-dual :math:`\max_f \langle f, a\rangle +
\langle f^c, b \rangle`, and an optimal pair satisfies :math:`g = f^c` and
:math:`f = g^{\bar c}` with :math:`g^{\bar c}_i = \min_j (C_{ij} - g_j)` [1]_.

References
----------
.. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
   Birkhäuser, 2015, Section 1.2.
"""

import numpy as np

from ._validation import as_array, as_cost, check_finite

__all__ = ["c_transform"]


def c_transform(f, C):
    r"""The c-transform :math:`g_j = \min_i (C_{ij} - f_i)` of a potential.

    Parameters
    ----------
    f : array of shape (n,)
        Finite potential on the sources (rows of ``C``).
    C : array of shape (n, m)
        Finite cost matrix.

    Returns
    -------
    g : array of shape (m,)
        :math:`g_j = \min_i (C_{ij} - f_i)`, the largest potential on the
        targets with :math:`f_i + g_j \le C_{ij}` for every pair.

    Notes
    -----
    For the transform in the other direction, :math:`f_i = \min_j (C_{ij} -
    g_j)`, call ``c_transform(g, C.T)``. Applying both in turn gives
    :math:`f^{c\bar c} \ge f`, with equality exactly when :math:`f` is
    c-concave; on a grid each :math:`g_j` is the lower envelope of the
    functions :math:`C_{\cdot j} - f` (for :math:`C_{ij} = |x_i - y_j|^2`
    these are parabolas).

    References
    ----------
    .. [1] F. Santambrogio, *Optimal Transport for Applied Mathematicians*,
       Birkhäuser, 2015, Section 1.2.

    Examples
    --------
    >>> import numpy as np
    >>> C = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> c_transform(np.array([0.0, 0.5]), C)
    array([ 0. , -0.5])
    """
    C = as_cost(C, None, "C")
    f = check_finite(as_array(f, "f", ndim=1), "f")
    if f.shape[0] != C.shape[0]:
        raise ValueError(
            f"f must have one entry per row of C, length {C.shape[0]}, got length "
            f"{f.shape[0]}"
        )
    if C.shape[0] == 0:
        raise ValueError(f"C must have at least one row, got shape {C.shape}")
    return np.min(C - f[:, None], axis=0)
