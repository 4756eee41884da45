r"""Convex polygons in the plane, and exact integrals of planar densities over them.

Semi-discrete transport (Chapter 9) needs, for every Laguerre cell :math:`L`
(a convex polygon) and a source density :math:`\rho` on a rectangle, the
integrals

.. math:: \int_L \rho(x)\,dx, \qquad \int_L x\,\rho(x)\,dx, \qquad
   \int_L |x - c|^2 \rho(x)\,dx, \qquad \int_S \rho \, d\sigma

(mass, first moment, second moment about a point :math:`c`, and mass of a
segment :math:`S` for the length measure :math:`\sigma`). This module
computes them without any sampling or pixel counting, for two densities:

* :class:`UniformDensity`, the uniform probability density on a rectangle.
  A polygon is cut into triangles :math:`(c, v_i, v_{i+1})` from the point
  :math:`c`; over a triangle each integral is a closed-form polynomial in the
  vertices (the shoelace formula and its moment analogues).
* :class:`GridDensity`, a density that is constant on each cell of a regular
  grid over a rectangle. Green's theorem turns an area integral into a
  boundary integral: for a counterclockwise polygon :math:`P` and
  :math:`F(x_1, x_2) = \int_{a}^{x_1} f(t, x_2)\,dt`,

  .. math:: \int_P f \,dx = \oint_{\partial P} F \, dx_2 .

  With :math:`f = \rho`, :math:`x\rho`, :math:`|x|^2\rho` the primitive
  :math:`F` is a polynomial of degree at most 3 along each piece of an edge
  that stays inside one grid cell. Edges are split where they cross grid
  lines, and each piece is integrated by Simpson's rule, which is exact for
  cubics. The only error is floating-point rounding.

Polygons are arrays of shape (m, 2) listing the vertices counterclockwise
(the last vertex is not repeated); an empty array of shape (0, 2) is the
empty polygon.

References
----------
.. [1] B. Mirtich, "Fast and accurate computation of polyhedral mass
   properties", Journal of Graphics Tools 1 (1996): moments by the
   divergence theorem.
.. [2] I. E. Sutherland and G. W. Hodgman, "Reentrant polygon clipping",
   Communications of the ACM 17 (1974).
"""

from dataclasses import dataclass

import numpy as np

from ._validation import as_array, as_rng, check_finite, check_positive_int, is_sequence

__all__ = [
    "GridDensity",
    "UniformDensity",
    "box_polygon",
    "clip_polygon",
    "polygon_area",
    "polygon_centroid",
]

# Labels of the sides of a rectangle, for the edges of clipped polygons:
# bottom, right, top, left, in counterclockwise order from (x0, y0).
BOX_SIDE_LABELS = (-1, -2, -3, -4)


def _as_box(box, name="box"):
    """A rectangle ``(x0, x1, y0, y1)`` with ``x0 < x1`` and ``y0 < y1``."""
    arr = as_array(box, name, ndim=1)
    if arr.shape[0] != 4:
        raise ValueError(
            f"{name} must be (x0, x1, y0, y1), four numbers, got {arr.shape[0]}"
        )
    check_finite(arr, name)
    x0, x1, y0, y1 = (float(v) for v in arr)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(
            f"{name} must satisfy x0 < x1 and y0 < y1, got (x0, x1, y0, y1) = "
            f"{(x0, x1, y0, y1)}"
        )
    return x0, x1, y0, y1


def box_polygon(box):
    r"""The rectangle :math:`[x_0, x_1] \times [y_0, y_1]` as a polygon.

    Parameters
    ----------
    box : sequence of 4 floats
        ``(x0, x1, y0, y1)`` with ``x0 < x1`` and ``y0 < y1``.

    Returns
    -------
    array of shape (4, 2)
        The corners counterclockwise from ``(x0, y0)``.

    Examples
    --------
    >>> box_polygon((0, 1, 0, 2))
    array([[0., 0.],
           [1., 0.],
           [1., 2.],
           [0., 2.]])
    """
    x0, x1, y0, y1 = _as_box(box)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _as_polygon(vertices, name="vertices"):
    arr = as_array(vertices, name, ndim=2)
    if arr.shape[1] != 2 or arr.shape[0] in (1, 2):
        raise ValueError(
            f"{name} must be a polygon, an array of shape (m, 2) with m >= 3 "
            f"(or m = 0 for the empty polygon), got shape {arr.shape}"
        )
    return check_finite(arr, name)


def _check_convex(vertices, name):
    """Raise unless the polygon is convex and listed counterclockwise."""
    if vertices.shape[0] == 0:
        return
    edges = np.roll(vertices, -1, axis=0) - vertices
    turns = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(
        edges[:, 0], -1
    )
    scale = float(np.max(np.abs(edges))) ** 2
    if (turns < -1e-12 * scale).any():
        i = int(np.argmin(turns))
        raise ValueError(
            f"{name} must list the vertices of a convex polygon counterclockwise, "
            f"got a clockwise turn at vertex {(i + 1) % vertices.shape[0]}"
        )


def _clip(vertices, labels, normal, offset, new_label):
    """One Sutherland-Hodgman step: keep the part where ``normal . x <= offset``.

    ``vertices`` is a list of (x, y) tuples and ``labels[i]`` names the edge
    from vertex i to vertex i + 1; the edge made along the cutting line gets
    ``new_label``. Returns new lists. No input checks. Plain Python: on
    polygons of a few vertices it is many times faster than numpy calls.
    """
    n1, n2 = normal
    s = [n1 * x1 + n2 * x2 - offset for x1, x2 in vertices]
    if max(s, default=0.0) <= 0:
        return vertices, labels
    out_vertices, out_labels = [], []
    m = len(vertices)
    for i in range(m):
        nxt = i + 1 if i + 1 < m else 0
        s_i, s_next = s[i], s[nxt]
        if s_i < 0 or (s_i == 0 and s_next <= 0):
            # Vertex i is kept with the edge it starts.
            out_vertices.append(vertices[i])
            out_labels.append(labels[i])
        elif s_i == 0:
            # Vertex i is on the line and edge i leaves: the kept boundary
            # goes on along the line.
            out_vertices.append(vertices[i])
            out_labels.append(new_label)
        if (s_i < 0 < s_next) or (s_next < 0 < s_i):
            # Edge i crosses the line strictly inside, at the point p.
            t = s_i / (s_i - s_next)
            (a1, a2), (b1, b2) = vertices[i], vertices[nxt]
            out_vertices.append((a1 + t * (b1 - a1), a2 + t * (b2 - a2)))
            # Leaving the half-plane, p starts an edge along the line;
            # entering it, p starts the rest of edge i.
            out_labels.append(new_label if s_i < 0 else labels[i])
    return out_vertices, out_labels


def clip_polygon(vertices, normal, offset):
    r"""Intersect a convex polygon with the half-plane :math:`\{x : n \cdot x \le o\}`.

    Parameters
    ----------
    vertices : array of shape (m, 2)
        A convex polygon, vertices counterclockwise (m = 0: empty polygon).
    normal : array of shape (2,)
        The vector :math:`n \neq 0`.
    offset : float
        The number :math:`o`.

    Returns
    -------
    array of shape (k, 2)
        The convex polygon :math:`P \cap \{n \cdot x \le o\}`, counterclockwise,
        empty (shape (0, 2)) when the half-plane misses the polygon. Vertices
        on the line count as inside; when the half-plane only touches the
        polygon (at a vertex or along an edge) the result is also the empty
        polygon, since the intersection has no area.

    Notes
    -----
    One pass of the Sutherland-Hodgman algorithm [2]_: walk the edges, keep
    the vertices inside, and insert the point where an edge crosses the line.

    Examples
    --------
    >>> clip_polygon(box_polygon((0, 1, 0, 1)), [1.0, 1.0], 1.0)
    array([[0., 0.],
           [1., 0.],
           [0., 1.]])
    """
    vertices = _as_polygon(vertices)
    _check_convex(vertices, "vertices")
    normal = check_finite(as_array(normal, "normal", ndim=1), "normal")
    if normal.shape[0] != 2 or not np.any(normal != 0):
        raise ValueError(
            f"normal must be a non-zero vector of shape (2,), got {normal!r}"
        )
    offset = float(check_finite(as_array(offset, "offset", ndim=0), "offset"))
    points = [tuple(v) for v in vertices]
    clipped = _clip(points, [0] * len(points), tuple(normal), offset, 0)[0]
    if len(clipped) < 3:
        clipped = []
    return np.array(clipped, dtype=float).reshape(-1, 2)


def _edges(polygons):
    """All edges of a list of polygons: starts, ends, index of the polygon."""
    counts = np.array([len(p) for p in polygons], dtype=np.intp)
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros((0, 2))
        return empty, empty, np.zeros(0, dtype=np.intp)
    starts = np.concatenate([np.reshape(p, (-1, 2)) for p in polygons], axis=0)
    # The edge from the last vertex of a polygon ends at its first vertex.
    following = np.arange(1, total + 1)
    last = np.cumsum(counts) - 1
    following[last[counts > 0]] = (last - counts + 1)[counts > 0]
    owner = np.repeat(np.arange(len(polygons)), counts)
    return starts, starts[following], owner


def _fan_moments(starts, ends, owner, about, n_polygons):
    """Area, first and second moments of polygons about given points.

    Sums, over the triangles (c, p, q) spanned by each edge from the point c,
    the closed forms: area A = (p x q) / 2, first moment A (p + q) / 3 and
    second moment A (|p|^2 + p.q + |q|^2) / 6, with p, q taken relative to c.
    """
    p = starts - about[owner]
    q = ends - about[owner]
    area = 0.5 * (p[:, 0] * q[:, 1] - p[:, 1] * q[:, 0])
    first = area[:, None] * (p + q) / 3.0
    second = area * (np.sum(p * p, 1) + np.sum(p * q, 1) + np.sum(q * q, 1)) / 6.0
    def per_polygon(values):
        return np.bincount(owner, values, minlength=n_polygons).astype(float)

    mass = per_polygon(area)
    m1 = np.stack([per_polygon(first[:, 0]), per_polygon(first[:, 1])], axis=1)
    return mass, m1, per_polygon(second)


def polygon_area(vertices):
    r"""Area of a polygon, :math:`\frac12 \sum_i v_i \times v_{i+1}` (shoelace).

    Parameters
    ----------
    vertices : array of shape (m, 2)
        Vertices counterclockwise (the area of a clockwise polygon comes out
        negative); m = 0 is the empty polygon.

    Returns
    -------
    float

    Examples
    --------
    >>> polygon_area([[0, 0], [2, 0], [0, 1]])
    1.0
    """
    vertices = _as_polygon(vertices)
    if vertices.shape[0] == 0:
        return 0.0
    starts, ends, owner = _edges([vertices])
    return float(_fan_moments(starts, ends, owner, vertices[:1], 1)[0][0])


def polygon_centroid(vertices):
    r"""Centroid :math:`\frac{1}{|P|}\int_P x\,dx` of a polygon of positive area.

    Parameters
    ----------
    vertices : array of shape (m, 2)
        Vertices counterclockwise, enclosing a positive area.

    Returns
    -------
    array of shape (2,)

    Examples
    --------
    >>> polygon_centroid([[0, 0], [3, 0], [0, 3]])
    array([1., 1.])
    """
    vertices = _as_polygon(vertices)
    if vertices.shape[0] == 0:
        raise ValueError("vertices must enclose a positive area, got the empty polygon")
    starts, ends, owner = _edges([vertices])
    about = vertices[:1]
    area, first, _ = _fan_moments(starts, ends, owner, about, 1)
    if not area[0] > 0:
        raise ValueError(
            f"vertices must enclose a positive area (counterclockwise), got area "
            f"{area[0]!r}"
        )
    return about[0] + first[0] / area[0]


def _sample_args(size, seed):
    size = check_positive_int(size, "size")
    return size, as_rng(seed)


@dataclass(frozen=True, eq=False)
class UniformDensity:
    r"""The uniform probability density on a rectangle.

    .. math:: \rho(x) = \frac{1}{(x_1 - x_0)(y_1 - y_0)}
       \mathbb{1}_{[x_0, x_1] \times [y_0, y_1]}(x), \qquad \int \rho = 1 .

    Parameters
    ----------
    box : sequence of 4 floats, default (0, 1, 0, 1)
        ``(x0, x1, y0, y1)`` with ``x0 < x1`` and ``y0 < y1``.

    Notes
    -----
    Integrals over polygons are exact: each polygon is cut into triangles
    from a reference point, whose moments are polynomials in the vertices.

    Examples
    --------
    >>> rho = UniformDensity((0, 2, 0, 1))
    >>> rho.mass, rho.value
    (1.0, 0.5)
    """

    box: tuple = (0.0, 1.0, 0.0, 1.0)

    def __post_init__(self):
        object.__setattr__(self, "box", _as_box(self.box))

    @property
    def mass(self):
        """Total mass :math:`\\int \\rho`, equal to 1."""
        return 1.0

    @property
    def value(self):
        """The constant value of the density on its rectangle."""
        x0, x1, y0, y1 = self.box
        return 1.0 / ((x1 - x0) * (y1 - y0))

    def polygon_moments(self, polygons, about):
        r"""Mass, first moment and second moment of :math:`\rho` on polygons.

        Parameters
        ----------
        polygons : sequence of k arrays of shape (m_j, 2)
            Convex polygons inside the rectangle, counterclockwise.
        about : array of shape (k, 2)
            One point :math:`c_j` per polygon.

        Returns
        -------
        mass : array of shape (k,)
            :math:`\int_{P_j} \rho`.
        first : array of shape (k, 2)
            :math:`\int_{P_j} (x - c_j) \rho(x)\,dx`.
        second : array of shape (k,)
            :math:`\int_{P_j} |x - c_j|^2 \rho(x)\,dx`.
        """
        polygons, about = _check_polygons(polygons, about)
        _check_inside(self.box, polygons, "polygons")
        return self._moments(polygons, about)

    def _moments(self, polygons, about):
        starts, ends, owner = _edges(polygons)
        mass, first, second = _fan_moments(starts, ends, owner, about, len(polygons))
        return self.value * mass, self.value * first, self.value * second

    def segment_mass(self, starts, ends):
        r"""Line integrals :math:`\int_{[p, q]} \rho\,d\sigma` along segments.

        Parameters
        ----------
        starts, ends : arrays of shape (k, 2)
            End points of segments inside the rectangle.

        Returns
        -------
        array of shape (k,)
        """
        starts, ends = _check_segments(starts, ends)
        _check_inside(self.box, [starts, ends], "starts and ends")
        return self._segment_mass(starts, ends)

    def _segment_mass(self, starts, ends):
        return self.value * np.linalg.norm(ends - starts, axis=1)

    def sample(self, size, seed=None):
        """Draw ``size`` independent points from the density.

        Parameters
        ----------
        size : int
            Number of points.
        seed : int, numpy Generator or None
            Seed for ``numpy.random.default_rng``.

        Returns
        -------
        array of shape (size, 2)
        """
        size, rng = _sample_args(size, seed)
        x0, x1, y0, y1 = self.box
        return np.column_stack(
            [rng.uniform(x0, x1, size), rng.uniform(y0, y1, size)]
        )


@dataclass(frozen=True, eq=False)
class GridDensity:
    r"""A density constant on each cell of a regular grid over a rectangle.

    With ``values`` of shape (r, s), :math:`h_x = (x_1 - x_0)/s` and
    :math:`h_y = (y_1 - y_0)/r`,

    .. math:: \rho(x) = \texttt{values}[i, j] \quad \text{for }
       x \in [x_0 + j h_x, x_0 + (j+1) h_x] \times [y_0 + i h_y, y_0 + (i+1) h_y],

    so row ``i`` runs along :math:`x` at height :math:`y_0 + i h_y`: row 0 is
    at the bottom (``imshow(values, origin="lower")`` draws it upright). The
    entries are densities (mass per unit area), used as given: the total mass
    is :math:`\sum_{ij} \texttt{values}[i, j]\, h_x h_y`, not rescaled. To
    build a probability density from non-negative ``v``, pass
    ``v / (v.sum() * hx * hy)``.

    Parameters
    ----------
    values : array of shape (r, s)
        Non-negative, finite, with a positive total.
    box : sequence of 4 floats, default (0, 1, 0, 1)
        ``(x0, x1, y0, y1)`` with ``x0 < x1`` and ``y0 < y1``.

    Notes
    -----
    Integrals over polygons are exact up to rounding: by Green's theorem they
    become integrals of a piecewise cubic along the polygon's boundary, split
    where it crosses grid lines and integrated piece by piece with Simpson's
    rule (see the module docstring).

    Examples
    --------
    >>> rho = GridDensity([[1.0, 3.0]])
    >>> rho.mass
    2.0
    """

    values: np.ndarray
    box: tuple = (0.0, 1.0, 0.0, 1.0)

    def __post_init__(self):
        values = check_finite(as_array(self.values, "values", ndim=2), "values")
        if 0 in values.shape:
            raise ValueError(
                f"values must have at least one cell, got shape {values.shape}"
            )
        if (values < 0).any():
            index = tuple(int(i) for i in np.argwhere(values < 0)[0])
            raise ValueError(
                f"values must be non-negative, got {values[index]} at index {index}"
            )
        if values.sum() <= 0:
            raise ValueError(f"values must have a positive total, got {values.sum()}")
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "box", _as_box(self.box))
        # Running sums along each row, for the primitives in x (see _primitives).
        x0, x1, _, _ = self.box
        edges_x = np.linspace(x0, x1, values.shape[1] + 1) - self._centre[0]
        left, right = edges_x[:-1], edges_x[1:]
        zero = np.zeros((values.shape[0], 1))
        sums = []
        for power in (1, 2, 3):
            per_cell = values * (right**power - left**power) / power
            sums.append(np.concatenate([zero, np.cumsum(per_cell, axis=1)], axis=1))
        object.__setattr__(self, "_row_sums", tuple(sums))
        object.__setattr__(self, "_left", left)

    @property
    def _centre(self):
        x0, x1, y0, y1 = self.box
        return np.array([(x0 + x1) / 2, (y0 + y1) / 2])

    @property
    def cell_size(self):
        """``(hx, hy)``, the width and height of a grid cell."""
        x0, x1, y0, y1 = self.box
        rows, cols = self.values.shape
        return (x1 - x0) / cols, (y1 - y0) / rows

    @property
    def mass(self):
        """Total mass :math:`\\sum_{ij} \\texttt{values}[i, j] h_x h_y`."""
        hx, hy = self.cell_size
        return float(self.values.sum() * hx * hy)

    def _split(self, starts, ends):
        """Cut segments where they cross grid lines.

        Returns the pieces' end points, the index of the segment each piece
        comes from, and the grid cell (row, column) that holds each piece.
        """
        x0, _, y0, _ = self.box
        hx, hy = self.cell_size
        rows, cols = self.values.shape
        n_seg = starts.shape[0]
        params = [np.zeros(n_seg), np.ones(n_seg)]
        owners = [np.arange(n_seg), np.arange(n_seg)]
        for axis, origin, h, n_lines in ((0, x0, hx, cols), (1, y0, hy, rows)):
            a = (starts[:, axis] - origin) / h
            b = (ends[:, axis] - origin) / h
            # Interior grid lines k = 1, ..., n_lines - 1 strictly between a and b.
            low = np.maximum(np.floor(np.minimum(a, b)) + 1, 1)
            high = np.minimum(np.ceil(np.maximum(a, b)) - 1, n_lines - 1)
            count = np.maximum(high - low + 1, 0).astype(np.intp)
            seg = np.repeat(np.arange(n_seg), count)
            first = np.repeat(np.cumsum(count) - count, count)
            line = low[seg] + (np.arange(count.sum()) - first)
            params.append((line - a[seg]) / (b[seg] - a[seg]))
            owners.append(seg)
        t = np.concatenate(params)
        seg = np.concatenate(owners)
        order = np.lexsort((t, seg))
        t, seg = t[order], seg[order]
        # Consecutive parameters of the same segment bound one piece.
        same = seg[:-1] == seg[1:]
        t0, t1, seg = t[:-1][same], t[1:][same], seg[:-1][same]
        direction = ends[seg] - starts[seg]
        p = starts[seg] + t0[:, None] * direction
        q = starts[seg] + t1[:, None] * direction
        mid = (p + q) / 2
        col = np.clip(np.floor((mid[:, 0] - x0) / hx), 0, cols - 1).astype(np.intp)
        row = np.clip(np.floor((mid[:, 1] - y0) / hy), 0, rows - 1).astype(np.intp)
        return p, q, seg, row, col

    def _primitives(self, points, row, col):
        """Primitives in x of rho, x1 rho and x1^2 rho, from the left edge.

        Coordinates are relative to the centre of the rectangle. For a point
        (x1, x2) in cell (row, col), G_k(x1) = integral of t^(k-1) rho(t, x2)
        for t from the left side of the rectangle to x1, k = 1, 2, 3.
        """
        v = self.values[row, col]
        left = self._left[col]
        x = points[:, 0]
        return [
            self._row_sums[k][row, col] + v * (x ** (k + 1) - left ** (k + 1)) / (k + 1)
            for k in range(3)
        ]

    def polygon_moments(self, polygons, about):
        r"""Mass, first moment and second moment of :math:`\rho` on polygons.

        Parameters
        ----------
        polygons : sequence of k arrays of shape (m_j, 2)
            Convex polygons inside the rectangle, counterclockwise.
        about : array of shape (k, 2)
            One point :math:`c_j` per polygon.

        Returns
        -------
        mass : array of shape (k,)
            :math:`\int_{P_j} \rho`.
        first : array of shape (k, 2)
            :math:`\int_{P_j} (x - c_j) \rho(x)\,dx`.
        second : array of shape (k,)
            :math:`\int_{P_j} |x - c_j|^2 \rho(x)\,dx`.
        """
        polygons, about = _check_polygons(polygons, about)
        _check_inside(self.box, polygons, "polygons")
        return self._moments(polygons, about)

    def _moments(self, polygons, about):
        k = len(polygons)
        starts, ends, owner = _edges(polygons)
        p, q, seg, row, col = self._split(starts, ends)
        centre = self._centre
        dy = q[:, 1] - p[:, 1]
        # Simpson's rule on each piece: exact, since the integrands below are
        # polynomials of degree <= 3 in the position along the piece.
        totals = np.zeros((4, p.shape[0]))
        for point, factor in ((p, 1.0), ((p + q) / 2, 4.0), (q, 1.0)):
            point = point - centre
            g0, g1, g2 = self._primitives(point, row, col)
            x2 = point[:, 1]
            # Green: integral of f over P = boundary integral of G dx2, with
            # f = rho, x1 rho, x2 rho, |x|^2 rho.
            totals += factor * np.stack([g0, g1, x2 * g0, g2 + x2**2 * g0])
        totals *= dy / 6.0
        polygon_of_piece = owner[seg]
        sums = [
            np.bincount(polygon_of_piece, t, minlength=k).astype(float) for t in totals
        ]
        mass = sums[0]
        first_c = np.stack([sums[1], sums[2]], axis=1)
        # Move the moments from the centre of the rectangle to the points c_j.
        shift = about - centre
        first = first_c - mass[:, None] * shift
        second = sums[3] - 2 * np.sum(shift * first_c, 1) + np.sum(shift**2, 1) * mass
        return mass, first, second

    def segment_mass(self, starts, ends):
        r"""Line integrals :math:`\int_{[p, q]} \rho\,d\sigma` along segments.

        Parameters
        ----------
        starts, ends : arrays of shape (k, 2)
            End points of segments inside the rectangle.

        Returns
        -------
        array of shape (k,)
        """
        starts, ends = _check_segments(starts, ends)
        _check_inside(self.box, [starts, ends], "starts and ends")
        return self._segment_mass(starts, ends)

    def _segment_mass(self, starts, ends):
        p, q, seg, row, col = self._split(starts, ends)
        pieces = self.values[row, col] * np.linalg.norm(q - p, axis=1)
        return np.bincount(seg, pieces, minlength=starts.shape[0]).astype(float)

    def sample(self, size, seed=None):
        """Draw ``size`` independent points from the density divided by its mass.

        Parameters
        ----------
        size : int
            Number of points.
        seed : int, numpy Generator or None
            Seed for ``numpy.random.default_rng``.

        Returns
        -------
        array of shape (size, 2)
        """
        size, rng = _sample_args(size, seed)
        x0, _, y0, _ = self.box
        hx, hy = self.cell_size
        weights = self.values.ravel()
        cell = rng.choice(weights.size, size=size, p=weights / weights.sum())
        row, col = np.divmod(cell, self.values.shape[1])
        return np.column_stack(
            [
                x0 + (col + rng.uniform(size=size)) * hx,
                y0 + (row + rng.uniform(size=size)) * hy,
            ]
        )


def _check_polygons(polygons, about):
    if not is_sequence(polygons):
        raise ValueError(
            f"polygons must be a sequence of arrays of shape (m, 2), got {polygons!r}"
        )
    polygons = [_as_polygon(p, f"polygons[{i}]") for i, p in enumerate(polygons)]
    for i, p in enumerate(polygons):
        _check_convex(p, f"polygons[{i}]")
    about = check_finite(as_array(about, "about", ndim=2), "about")
    if about.shape != (len(polygons), 2):
        raise ValueError(
            f"about must have shape ({len(polygons)}, 2), one point per polygon, "
            f"got shape {about.shape}"
        )
    return polygons, about


def _check_inside(box, arrays, name):
    """Raise unless every point lies in the rectangle (up to rounding)."""
    x0, x1, y0, y1 = box
    slack = 1e-12 * max(x1 - x0, y1 - y0)
    for arr in arrays:
        if arr.shape[0] == 0:
            continue
        outside = (
            (arr[:, 0] < x0 - slack)
            | (arr[:, 0] > x1 + slack)
            | (arr[:, 1] < y0 - slack)
            | (arr[:, 1] > y1 + slack)
        )
        if outside.any():
            point = tuple(float(v) for v in arr[np.argmax(outside)])
            raise ValueError(
                f"{name} must lie inside the rectangle {box} of the density, got "
                f"the point {point}"
            )


def _check_segments(starts, ends):
    starts = check_finite(as_array(starts, "starts", ndim=2), "starts")
    ends = check_finite(as_array(ends, "ends", ndim=2), "ends")
    if starts.shape[1:] != (2,) or starts.shape != ends.shape:
        raise ValueError(
            f"starts and ends must both have shape (k, 2), got shapes "
            f"{starts.shape} and {ends.shape}"
        )
    return starts, ends
