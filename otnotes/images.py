r"""Images as measures: histogram equalisation and colour transfer.

An image with :math:`N` pixels of values :math:`v_1, \dots, v_N` (grey
levels in [0, 1], or colours in :math:`[0, 1]^3`) defines the empirical
measure :math:`\mu = \frac1N \sum_k \delta_{v_k}`, its histogram. Changing the
histogram into a prescribed one :math:`\nu` while moving every value as
little as possible is an optimal transport problem:

- on the line (grey levels, or one colour channel at a time) it is solved by
  the monotone rearrangement :math:`F_\nu^{-1} \circ F_\mu`, i.e. by sorting
  (:func:`equalize_histogram`, :func:`match_channels`);
- in colour space it is an assignment problem between pixel colours, solved
  here on a random subsample of pixels and extended to the whole image
  (:func:`transfer_colors`).

References
----------
.. [1] J. Rabin, G. Peyré, J. Delon and M. Bernot, "Wasserstein barycenter
   and its application to texture mixing", SSVM 2011, LNCS 6667, 2012.
.. [2] S. Ferradans, N. Papadakis, G. Peyré and J.-F. Aujol, "Regularized
   discrete optimal transport", SIAM J. Imaging Sci. 7(3), 2014.
.. [3] F. Pitié, A. C. Kokaram and R. Dahyot, "Automated colour grading
   using colour distribution transfer", Comput. Vis. Image Underst. 107,
   2007.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ._validation import as_array, as_rng, check_finite, check_positive_int
from .assignment import assignment
from .cost import cost_matrix
from .pushforward import monotone_map_samples

__all__ = [
    "ColorTransfer",
    "equalize_histogram",
    "match_channels",
    "transfer_colors",
]


def _image(value, name, *, ndim=None, unit=False):
    arr = check_finite(as_array(value, name, ndim=ndim), name)
    if arr.size == 0:
        raise ValueError(f"{name} must hold at least one pixel, got shape {arr.shape}")
    if unit and ((arr < 0) | (arr > 1)).any():
        bad = arr[(arr < 0) | (arr > 1)].flat[0]
        raise ValueError(
            f"{name} must hold values in [0, 1] (convert 8-bit images with / 255), "
            f"got {float(bad)!r}"
        )
    return arr


def equalize_histogram(image, *, method="cdf"):
    r"""Histogram equalisation: push the grey levels to the uniform law on [0, 1].

    For the empirical measure :math:`\mu` of the :math:`N` pixel values, the
    monotone rearrangement onto the uniform law :math:`\mathrm{Unif}[0, 1]` is
    :math:`T = F_\mu`, since the quantile function of the uniform law is the
    identity.

    Parameters
    ----------
    image : array of any shape
        Pixel values (finite numbers, e.g. grey levels in [0, 1]).
    method : {"cdf", "rank"}, default "cdf"
        ``"cdf"``: every pixel of value :math:`v` becomes
        :math:`F_\mu(v) = \#\{k : v_k \le v\} / N`, the fraction of pixels not
        brighter than it. Equal values stay equal, so when :math:`\mu` has
        atoms (repeated values) the result is not exactly uniform.
        ``"rank"``: the pixel of rank :math:`r` (from 1 to :math:`N`, ties
        broken by position in ``image.ravel()``) becomes
        :math:`(r - 1/2)/N`. The output histogram is then exactly the
        uniform one on :math:`N` equally spaced levels; this is matching by
        sorting between the pixels and those levels.

    Returns
    -------
    ndarray
        The equalised image, same shape as ``image``, values in (0, 1].

    Examples
    --------
    >>> equalize_histogram([0.2, 0.9, 0.2, 0.5])
    array([0.5 , 1.  , 0.5 , 0.75])
    >>> equalize_histogram([0.2, 0.9, 0.2, 0.5], method="rank")
    array([0.125, 0.875, 0.375, 0.625])
    """
    arr = _image(image, "image")
    if method not in ("cdf", "rank"):
        raise ValueError(f'method must be "cdf" or "rank", got {method!r}')
    flat = arr.ravel()
    n = flat.shape[0]
    if method == "cdf":
        counts = np.searchsorted(np.sort(flat), flat, side="right")
        return (counts / n).reshape(arr.shape)
    ranks = np.empty(n, dtype=np.intp)
    ranks[np.argsort(flat, kind="stable")] = np.arange(n)
    return ((ranks + 0.5) / n).reshape(arr.shape)


def match_channels(source, target):
    r"""Per-channel histogram matching by 1-D monotone rearrangement.

    Each channel :math:`c` of the source pixels is sent by the monotone
    rearrangement (:func:`otnotes.pushforward.monotone_map_samples`) onto the
    values of channel :math:`c` of the target pixels. Each output channel has
    the same histogram as the target channel, but the three channels are
    matched independently: the joint distribution of colours is not that of
    the target, and the output may hold colours the target never uses.

    Parameters
    ----------
    source : array of shape (..., C)
        Source pixels, channels last (e.g. an (H, W, 3) image).
    target : array of shape (..., C)
        Target pixels with the same number C of channels; any leading shape
        (an image, or an (M, C) list of pixels).

    Returns
    -------
    ndarray
        Same shape as ``source``; every output value of channel :math:`c` is a
        value of channel :math:`c` of ``target``.

    Examples
    --------
    >>> match_channels([[0.0, 1.0], [1.0, 0.0]], [[0.2, 0.3], [0.4, 0.1]])
    array([[0.2, 0.3],
           [0.4, 0.1]])
    """
    src = _image(source, "source")
    tgt = _image(target, "target")
    if src.ndim < 2 or tgt.ndim < 2:
        raise ValueError(
            "source and target must have channels on a last axis, e.g. shape "
            f"(H, W, 3) or (N, 3), got shapes {src.shape} and {tgt.shape}"
        )
    if src.shape[-1] != tgt.shape[-1]:
        raise ValueError(
            f"source and target must have the same number of channels, got "
            f"{src.shape[-1]} and {tgt.shape[-1]}"
        )
    channels = src.shape[-1]
    src_pixels = src.reshape(-1, channels)
    tgt_pixels = tgt.reshape(-1, channels)
    out = np.empty_like(src_pixels)
    for c in range(channels):
        out[:, c] = monotone_map_samples(src_pixels[:, c], tgt_pixels[:, c])
    return out.reshape(src.shape)


@dataclass(frozen=True)
class ColorTransfer:
    r"""Result of :func:`transfer_colors`.

    Attributes
    ----------
    image : ndarray
        The recoloured image, same shape as the source, values in [0, 1].
    source_samples : ndarray of shape (n, C)
        The sampled source colours :math:`x_1, \dots, x_n`.
    target_samples : ndarray of shape (n, C)
        The sampled target colours :math:`y_1, \dots, y_n`.
    sigma : ndarray of shape (n,)
        The optimal assignment: ``source_samples[i]`` is sent to
        ``target_samples[sigma[i]]``.
    cost : float
        Its mean cost :math:`\frac1n \sum_i \|x_i - y_{\sigma(i)}\|^2`.
    """

    image: np.ndarray
    source_samples: np.ndarray
    target_samples: np.ndarray
    sigma: np.ndarray
    cost: float


def transfer_colors(source, target, n_samples=1000, *, n_neighbors=1, rng=0):
    r"""Colour transfer by optimal assignment between subsampled pixel colours.

    1. Draw :math:`n` source pixels :math:`x_1, \dots, x_n` and :math:`n`
       target pixels :math:`y_1, \dots, y_n` uniformly without replacement.
    2. Solve the assignment problem
       :math:`\min_{\sigma} \sum_i \|x_i - y_{\sigma(i)}\|^2` exactly
       (:func:`otnotes.assignment`): the Monge problem between the two
       empirical colour distributions.
    3. Extend the map to every source pixel :math:`v` by moving it as its
       :math:`k` nearest sampled colours move:

       .. math:: \tilde T(v) = v + \frac1k \sum_{i \in N_k(v)}
          \big(y_{\sigma(i)} - x_i\big),

       where :math:`N_k(v)` indexes the :math:`k` samples :math:`x_i` closest
       to :math:`v`. A sampled pixel with :math:`k = 1` goes exactly to its
       assigned colour.

    Parameters
    ----------
    source : array of shape (..., C)
        Source image (or list of pixels), channels last, values in [0, 1].
    target : array of shape (..., C)
        Target pixels, same number of channels, values in [0, 1].
    n_samples : int, default 1000
        Number :math:`n` of sampled pixels on each side; at most the number of
        pixels of either image. The assignment costs :math:`O(n^3)` time.
    n_neighbors : int, default 1
        Number :math:`k` of sampled colours whose displacements are averaged;
        at most ``n_samples``.
    rng : int or numpy.random.Generator, default 0
        Seed or generator for the subsampling.

    Returns
    -------
    ColorTransfer
        The recoloured image and the sampled colours with their assignment.

    Notes
    -----
    The extended map :math:`\tilde T` only approximately pushes the source
    colour distribution onto the target one: the sampled problem is exact, the
    extension is an interpolation. A displacement can carry a colour slightly
    outside the colour cube; the output is clipped to [0, 1].

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> out = transfer_colors(rng.random((8, 8, 3)), rng.random((50, 3)),
    ...                       n_samples=20)
    >>> out.image.shape, out.sigma.shape
    ((8, 8, 3), (20,))
    """
    src = _image(source, "source", unit=True)
    tgt = _image(target, "target", unit=True)
    if src.ndim < 2 or tgt.ndim < 2:
        raise ValueError(
            "source and target must have channels on a last axis, e.g. shape "
            f"(H, W, 3) or (N, 3), got shapes {src.shape} and {tgt.shape}"
        )
    if src.shape[-1] != tgt.shape[-1]:
        raise ValueError(
            f"source and target must have the same number of channels, got "
            f"{src.shape[-1]} and {tgt.shape[-1]}"
        )
    channels = src.shape[-1]
    src_pixels = src.reshape(-1, channels)
    tgt_pixels = tgt.reshape(-1, channels)
    n = check_positive_int(n_samples, "n_samples")
    most = min(src_pixels.shape[0], tgt_pixels.shape[0])
    if n > most:
        raise ValueError(
            f"n_samples must be at most the number of pixels of source and target "
            f"({src_pixels.shape[0]} and {tgt_pixels.shape[0]}), got {n}"
        )
    k = check_positive_int(n_neighbors, "n_neighbors")
    if k > n:
        raise ValueError(f"n_neighbors must be at most n_samples = {n}, got {k}")
    rng = as_rng(rng, "rng")

    # Step 1: subsample both colour distributions.
    x = src_pixels[rng.choice(src_pixels.shape[0], n, replace=False)]
    y = tgt_pixels[rng.choice(tgt_pixels.shape[0], n, replace=False)]

    # Step 2: the assignment problem between the samples.
    C = cost_matrix(x, y, p=2)
    sigma = assignment(C)
    cost = float(C[np.arange(n), sigma].mean())

    # Step 3: every pixel moves by the mean displacement of its k nearest samples.
    displacement = y[sigma] - x
    _, nearest = cKDTree(x).query(src_pixels, k=k)
    moved = displacement[nearest] if k == 1 else displacement[nearest].mean(axis=1)
    image = np.clip(src_pixels + moved, 0.0, 1.0).reshape(src.shape)
    return ColorTransfer(image=image, source_samples=x, target_samples=y,
                         sigma=sigma, cost=cost)
