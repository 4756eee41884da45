r"""A small multilayer perceptron with a hand-written backward pass, and Adam.

The networks of the GAN and flow-matching chapters are maps
:math:`\mathbb{R}^{p} \to \mathbb{R}^{q}` of the form

.. math:: h_0 = x, \qquad h_\ell = \sigma(h_{\ell-1} W_\ell + c_\ell)
   \quad (1 \le \ell < L), \qquad F(x) = h_{L-1} W_L + c_L ,

acting on a batch of row vectors :math:`x`, with weight matrices
:math:`W_\ell` of shape :math:`(n_{\ell-1}, n_\ell)`, biases :math:`c_\ell`
and activation :math:`\sigma` (``"tanh"`` or ``"relu"``) applied entrywise;
the last layer is linear. Parameters are stored as a flat list
``[W_1, c_1, ..., W_L, c_L]``.

The backward pass is reverse-mode differentiation written out: for a scalar
loss :math:`J` with :math:`G_L = \partial J / \partial F`,

.. math:: \frac{\partial J}{\partial W_\ell} = h_{\ell-1}^\top G_\ell, \quad
   \frac{\partial J}{\partial c_\ell} = \mathbf 1^\top G_\ell, \quad
   G_{\ell-1} = (G_\ell W_\ell^\top) \odot \sigma'(h_{\ell-2} W_{\ell-1} +
   c_{\ell-1}),

and :math:`\partial J / \partial x = G_1 W_1^\top`.
"""

import numpy as np

from ._validation import (
    as_array,
    as_rng,
    check_finite,
    check_positive,
    check_positive_int,
    is_sequence,
)

__all__ = ["Adam", "init_mlp", "mlp_backward", "mlp_forward"]

ACTIVATIONS = ("tanh", "relu")


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    return activation


def _check_hidden(hidden, name):
    """Hidden widths as a non-empty tuple of positive ints; an int is one layer."""
    if isinstance(hidden, (int, np.integer)) and not isinstance(hidden, bool):
        hidden = (hidden,)
    try:
        hidden = tuple(hidden)
    except TypeError as exc:
        raise ValueError(
            f"{name} must be a positive integer or a tuple of them, got {hidden!r}"
        ) from exc
    if not hidden:
        raise ValueError(f"{name} must list at least one hidden width, got ()")
    for k, width in enumerate(hidden):
        check_positive_int(width, f"{name}[{k}]")
    return hidden


def init_mlp(sizes, *, activation="tanh", seed=0):
    r"""Random parameters of an MLP with layer widths ``sizes``.

    Weights are i.i.d. :math:`N(0, k / n_{\ell-1})` with :math:`k = 1` for
    tanh and :math:`k = 2` for ReLU, so that activations keep a scale of
    order one through the layers; biases start at zero.

    Parameters
    ----------
    sizes : sequence of int
        Widths :math:`(n_0, n_1, \dots, n_L)`: input, hidden layers, output.
        At least two entries.
    activation : {"tanh", "relu"}, optional
        Activation the network will use (sets the weight scale).
    seed : int or numpy.random.Generator, optional
        Seed of ``numpy.random.default_rng``, or a generator.

    Returns
    -------
    params : list of arrays
        ``[W_1, c_1, ..., W_L, c_L]``.

    Examples
    --------
    >>> [p.shape for p in init_mlp([2, 8, 1])]
    [(2, 8), (8,), (8, 1), (1,)]
    """
    _check_activation(activation)
    if not is_sequence(sizes):
        raise ValueError(f"sizes must be a sequence of layer widths, got {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least an input and an output width, got {sizes!r}"
        )
    for k, s in enumerate(sizes):
        check_positive_int(s, f"sizes[{k}]")
    rng = as_rng(seed)
    gain = 1.0 if activation == "tanh" else 2.0
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        params.append(rng.standard_normal((n_in, n_out)) * np.sqrt(gain / n_in))
        params.append(np.zeros(n_out))
    return params


def _act(z, activation):
    return np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)


def _act_grad(z, h, activation):
    """Derivative of the activation at z, given h = activation(z)."""
    return 1.0 - h**2 if activation == "tanh" else (z > 0).astype(float)


def _forward(params, x, activation):
    inputs, pres = [], []
    h = x
    n_layers = len(params) // 2
    for ell in range(n_layers):
        W, c = params[2 * ell], params[2 * ell + 1]
        inputs.append(h)
        z = h @ W + c
        if ell < n_layers - 1:
            pres.append(z)
            h = _act(z, activation)
        else:
            h = z
    return h, (inputs, pres)


def _backward(params, cache, grad_out, activation):
    inputs, pres = cache
    n_layers = len(params) // 2
    grads = [None] * len(params)
    g = grad_out
    for ell in range(n_layers - 1, -1, -1):
        W = params[2 * ell]
        grads[2 * ell] = inputs[ell].T @ g
        grads[2 * ell + 1] = g.sum(axis=0)
        g = g @ W.T
        if ell > 0:
            g = g * _act_grad(pres[ell - 1], inputs[ell], activation)
    return grads, g


def _check_params(params):
    if not isinstance(params, (list, tuple)) or len(params) < 2 or len(params) % 2:
        raise ValueError(
            "params must be a list [W_1, c_1, ..., W_L, c_L] of even length >= 2, "
            f"got {type(params).__name__} of length "
            f"{len(params) if hasattr(params, '__len__') else 'unknown'}"
        )
    for k in range(0, len(params), 2):
        W, c = np.asarray(params[k]), np.asarray(params[k + 1])
        if W.ndim != 2 or c.shape != (W.shape[1],):
            raise ValueError(
                f"params[{k}] must be a matrix and params[{k + 1}] a vector of "
                f"matching width, got shapes {W.shape} and {c.shape}"
            )
        if k > 0 and W.shape[0] != np.asarray(params[k - 2]).shape[1]:
            raise ValueError(
                f"params[{k}] must have {np.asarray(params[k - 2]).shape[1]} rows "
                f"(the previous layer's width), got shape {W.shape}"
            )


def _check_batch(x, params):
    x = check_finite(as_array(x, "x", ndim=2), "x")
    n_in = np.asarray(params[0]).shape[0]
    if x.shape[1] != n_in:
        raise ValueError(f"x must have {n_in} columns, got shape {x.shape}")
    return x


def mlp_forward(params, x, *, activation="tanh"):
    """Output of the MLP on a batch, and the cache the backward pass needs.

    Parameters
    ----------
    params : list of arrays
        ``[W_1, c_1, ..., W_L, c_L]`` as made by :func:`init_mlp`.
    x : array of shape (N, n_0)
        Batch of inputs, one per row.
    activation : {"tanh", "relu"}, optional
        Activation of the hidden layers.

    Returns
    -------
    out : array of shape (N, n_L)
        :math:`F(x)`.
    cache : tuple
        Layer inputs and pre-activations, for :func:`mlp_backward`.

    Examples
    --------
    >>> out, _ = mlp_forward(init_mlp([3, 5, 2]), np.ones((4, 3)))
    >>> out.shape
    (4, 2)
    """
    _check_activation(activation)
    _check_params(params)
    x = _check_batch(x, params)
    return _forward(params, x, activation)


def mlp_backward(params, cache, grad_out, *, activation="tanh"):
    r"""Gradients of a scalar loss through the MLP (reverse mode).

    Parameters
    ----------
    params : list of arrays
        The parameters used in :func:`mlp_forward`.
    cache : tuple
        The cache returned by :func:`mlp_forward`.
    grad_out : array of shape (N, n_L)
        :math:`\partial J / \partial F(x)` for each row of the batch.
    activation : {"tanh", "relu"}, optional
        The activation used in the forward pass.

    Returns
    -------
    grads : list of arrays
        :math:`\partial J / \partial W_\ell`, :math:`\partial J / \partial
        c_\ell`, in the order of ``params``.
    grad_x : array of shape (N, n_0)
        :math:`\partial J / \partial x`.

    Examples
    --------
    >>> params = init_mlp([2, 4, 1])
    >>> out, cache = mlp_forward(params, np.ones((3, 2)))
    >>> grads, grad_x = mlp_backward(params, cache, np.ones((3, 1)))
    >>> grad_x.shape
    (3, 2)
    """
    _check_activation(activation)
    _check_params(params)
    grad_out = check_finite(as_array(grad_out, "grad_out", ndim=2), "grad_out")
    n_out = np.asarray(params[-1]).shape[0]
    n_batch = cache[0][0].shape[0]
    if grad_out.shape != (n_batch, n_out):
        raise ValueError(
            f"grad_out must have shape {(n_batch, n_out)} (batch, output width), "
            f"got shape {grad_out.shape}"
        )
    return _backward(params, cache, grad_out, activation)


class Adam:
    r"""The Adam optimiser, updating a list of arrays in place.

    For each parameter :math:`p` with gradient :math:`g` at step :math:`k`:
    :math:`m \leftarrow \beta_1 m + (1 - \beta_1) g`,
    :math:`v \leftarrow \beta_2 v + (1 - \beta_2) g^2`, and
    :math:`p \leftarrow p - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)` with
    the bias corrections :math:`\hat m = m / (1 - \beta_1^k)`,
    :math:`\hat v = v / (1 - \beta_2^k)` (Kingma and Ba, 2015). With
    :math:`\beta_1 = 0` it is RMSProp with bias correction.

    Parameters
    ----------
    params : list of arrays
        Arrays to update in place.
    lr : float, optional
        Learning rate :math:`\eta > 0`.
    beta1, beta2 : float, optional
        Decay rates in :math:`[0, 1)`.
    eps : float, optional
        :math:`\epsilon > 0`.

    References
    ----------
    .. [1] D. P. Kingma and J. Ba, "Adam: a method for stochastic
       optimization", ICLR 2015.

    Examples
    --------
    >>> p = [np.array([1.0])]
    >>> opt = Adam(p, lr=0.1)
    >>> opt.step([np.array([2.0])])
    >>> p[0]
    array([0.9])
    """

    def __init__(self, params, *, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = check_positive(lr, "lr")
        for name, val in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= float(val) < 1.0:
                raise ValueError(f"{name} must lie in [0, 1), got {val!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = check_positive(eps, "eps")
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.k = 0

    def step(self, grads):
        """Apply one update with the gradients ``grads`` (same order as params)."""
        if len(grads) != len(self.params):
            raise ValueError(
                f"grads must hold {len(self.params)} arrays (one per parameter), "
                f"got {len(grads)}"
            )
        self.k += 1
        c1 = 1.0 - self.beta1**self.k
        c2 = 1.0 - self.beta2**self.k
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g**2
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
