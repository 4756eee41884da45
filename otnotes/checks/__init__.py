"""Checkers for the book's coding exercises.

Each checker takes a student's answer, compares it with what the exercise
asks, and returns a :class:`CheckResult` that says exactly what is wrong (the
shape, which marginal is off and by how much, how far the cost is above the
optimum, ...) or confirms briefly that the answer is right. A checker never
raises on a wrong answer, so a student can run it as often as they like.

When the environment variable ``OTNOTES_STRICT_CHECKS`` is ``"1"`` a failed
check raises :class:`ExerciseCheckError` instead. The book build sets it, so a
reference solution that stops passing its checker breaks the build.
"""

from ._core import STRICT_ENV, CheckResult, ExerciseCheckError
from .brenier import check_knothe_gaussian, check_rockafellar_potential
from .diffusion import check_mixture_score, check_sample_family
from .duality import check_bid, check_w1_potential
from .dynamic import check_momentum_1d, check_prox_kinetic
from .gans import check_gradient_penalty, check_lipschitz_bound
from .gaussian import check_bures_geodesic, check_frechet_distance
from .general import (
    check_array,
    check_assignment,
    check_function,
    check_monotone_map,
    check_permutation,
    check_plan,
)
from .gradient_flows import check_implicit_euler, check_interaction_velocity
from .kantorovich import check_gluing, check_north_west_corner
from .linear_programming import check_basic_solution, check_sliced_wasserstein
from .monge import (
    check_equalization,
    check_flow_log_density,
    check_monotone_rearrangement,
)
from .semidiscrete import check_cell_fractions, check_dual_value, check_newton_direction
from .transformers import check_sinkhorn_attention, check_softmax_attention
from .two_layer_networks import (
    check_mean_field_velocity,
    check_particle_gradient_descent,
)

__all__ = [
    "STRICT_ENV",
    "CheckResult",
    "ExerciseCheckError",
    # generic
    "check_array",
    "check_assignment",
    "check_function",
    "check_monotone_map",
    "check_permutation",
    "check_plan",
    # one chapter each, in the order of the book
    "check_equalization",
    "check_flow_log_density",
    "check_monotone_rearrangement",
    "check_gluing",
    "check_north_west_corner",
    "check_knothe_gaussian",
    "check_rockafellar_potential",
    "check_bid",
    "check_w1_potential",
    "check_momentum_1d",
    "check_prox_kinetic",
    "check_bures_geodesic",
    "check_frechet_distance",
    "check_implicit_euler",
    "check_interaction_velocity",
    "check_basic_solution",
    "check_sliced_wasserstein",
    "check_cell_fractions",
    "check_dual_value",
    "check_newton_direction",
    "check_mean_field_velocity",
    "check_particle_gradient_descent",
    "check_sinkhorn_attention",
    "check_softmax_attention",
    "check_gradient_penalty",
    "check_lipschitz_bound",
    "check_mixture_score",
    "check_sample_family",
]
