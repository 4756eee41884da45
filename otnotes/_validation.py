"""Input checks shared by every public function of otnotes.

Each helper checks one kind of argument and raises a ``ValueError`` that names
the argument, says what was expected and what was received. Nothing is
rescaled or dropped: a helper either returns a float64 copy of valid input or
raises.
"""

import numpy as np

# Two weight vectors are taken to carry the same mass when their totals agree
# to this relative tolerance. Totals that differ by more raise a ValueError.
MASS_RTOL = 1e-8


def _describe(value):
    """A short description of what a user passed, for error messages."""
    if value is None:
        return "None"
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        # Ragged nested sequences cannot even be viewed as an array.
        return f"an object of type {type(value).__name__} that is not a regular array"
    if arr.dtype == object:
        return f"an object of type {type(value).__name__}"
    return f"an array of shape {arr.shape} and dtype {arr.dtype}"


def as_array(value, name, *, ndim=None, dtype=float):
    """Convert ``value`` to a float64 array, checking its dimension.

    ``ndim`` may be an int or a tuple of allowed ints.
    """
    if value is None:
        raise ValueError(f"{name} must be an array, got None")
    try:
        arr = np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be convertible to a numeric array, got {_describe(value)}"
        ) from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{k}-D" for k in allowed)
            raise ValueError(
                f"{name} must be a {wanted} array, got an array of shape {arr.shape}"
            )
    return arr


def check_finite(arr, name):
    """Raise when ``arr`` holds NaN or infinite entries."""
    if np.isfinite(arr).all():
        return arr
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = index[0] if len(index) == 1 else index
        raise ValueError(
            f"{name} must be finite, got {arr[index]} at index {where}"
        )
    return arr


def as_points(x, name):
    """Support points as an (n, d) float64 array; 1-D input becomes (n, 1)."""
    arr = as_array(x, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one point, got none")
    return check_finite(arr, name)


def as_weights(a, n, name):
    """Non-negative finite weights of length ``n`` with a positive total.

    ``None`` gives uniform weights 1/n.
    """
    if a is None:
        return np.full(n, 1.0 / n)
    arr = as_array(a, name, ndim=1)
    if arr.shape[0] != n:
        raise ValueError(
            f"{name} must have length {n} (one weight per point), got length "
            f"{arr.shape[0]}"
        )
    check_finite(arr, name)
    if (arr < 0).any():
        i = int(np.argmin(arr))
        raise ValueError(
            f"{name} must be non-negative, got {arr[i]} at index {i}"
        )
    if arr.sum() <= 0:
        raise ValueError(f"{name} must have a positive total, got {arr.sum()}")
    return arr


def check_same_mass(a, b, name_a="a", name_b="b", rtol=MASS_RTOL):
    """Raise unless ``a`` and ``b`` have the same total within ``rtol``."""
    ta, tb = float(np.sum(a)), float(np.sum(b))
    if abs(ta - tb) > rtol * max(ta, tb):
        raise ValueError(
            f"{name_a} and {name_b} must have the same total mass (relative "
            f"tolerance {rtol:g}), got {ta!r} and {tb!r}"
        )


def as_cost(C, shape, name="C"):
    """A finite (n, m) cost matrix as float64."""
    arr = as_array(C, name, ndim=2)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(
            f"{name} must have shape {tuple(shape)}, got shape {arr.shape}"
        )
    return check_finite(arr, name)


def as_real(value, name, expected="a number"):
    """A real number, given as a Python or numpy number, as float.

    Booleans and strings are refused although ``float`` would read them:
    ``tau=True`` or ``eps="0.1"`` is a mistake, not a number.
    """
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be {expected}, got {value!r}") from exc


def is_sequence(value):
    """Whether ``value`` is a sequence of items; a string is one item, not a
    sequence of letters."""
    return not isinstance(value, (str, bytes)) and hasattr(value, "__iter__")


def check_positive(value, name):
    """A finite, strictly positive scalar as float."""
    val = as_real(value, name, "a positive number")
    if not np.isfinite(val) or val <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return val


def check_positive_int(value, name):
    """A strictly positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_bool(value, name):
    """A boolean flag: True or False (numpy booleans included), as a bool.

    Other values are refused rather than read by their truth value, so that
    ``None``, ``"no"`` or ``0.5`` do not silently switch an option on or off.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def as_rng(seed, name="seed"):
    """A ``numpy.random.Generator`` from a seed: None, an int >= 0 or a Generator.

    A Generator is used as it is (its state advances); an int or None gives
    ``numpy.random.default_rng(seed)``.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool)
                             or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"{name} must be None, an int >= 0 or a "
                         f"numpy.random.Generator, got {seed!r}")
    return np.random.default_rng(seed)
