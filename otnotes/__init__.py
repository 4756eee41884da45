"""otnotes: the companion package of *Optimal Transport for Machine Learners*.

Solvers, plotting helpers, interactive figures and exercise checkers used by
the book's chapters. Every public function checks its input and raises a
``ValueError`` that names the argument at fault.
"""

from .assignment import assignment
from .attention import (
    SinkhornAttentionWarning,
    TokenDynamics,
    attention_matrix,
    random_tokens,
    token_dynamics,
)
from .auction import AuctionResult, auction, eps_complementary_slackness
from .barycenter import (
    EntropicBarycenterResult,
    FreeSupportBarycenterResult,
    entropic_barycenter,
    free_support_barycenter,
)
from .cost import cost_matrix
from .diffusion import (
    DiffusionPath,
    FlowMatchingModel,
    GaussianMixture,
    ou_forward,
    path_straightness,
    probability_flow,
    reverse_sde,
    train_flow_matching,
)
from .duality import c_transform
from .dynamic import BenamouBrenierResult, BenamouBrenierWarning, benamou_brenier
from .entropic import (
    SinkhornConvergenceWarning,
    SinkhornResult,
    sinkhorn,
    sinkhorn_divergence,
)
from .exact import ExactOTResult, emd
from .gan import GANTraining, W1Estimate, estimate_w1, train_gan, train_wgan
from .gaussian import (
    BarycenterConvergenceWarning,
    GaussianMap,
    bures,
    gaussian_barycenter,
    gaussian_geodesic,
    gaussian_map,
    gaussian_w2,
)
from .images import ColorTransfer, equalize_histogram, match_channels, transfer_colors
from .interactive import InteractiveFigure, Slider, interactive_figure
from .interpolation import (
    WeightedPoints,
    displacement_interpolation,
    displacement_interpolation_1d,
    displacement_interpolation_density_1d,
)
from .jko import (
    JKOConvergenceWarning,
    JKOResult,
    entropic_jko,
    entropic_transport_cost,
    grid_energy,
)
from .langevin import LangevinResult, langevin
from .onedim import monotone_plan_1d, quantile_function, wasserstein_1d
from .particles import (
    ParticleFlowResult,
    interaction_flow,
    mmd_flow,
    mmd_squared,
    ring_radius,
    sliced_wasserstein_flow,
)
from .polygons import GridDensity, UniformDensity
from .pushforward import (
    PushforwardDensity,
    cdf_1d,
    monotone_map_1d,
    monotone_map_samples,
    pushforward_density_1d,
    quantile_1d,
)
from .semidiscrete import (
    LaguerreCells,
    LloydResult,
    SemiDiscreteConvergenceWarning,
    SemiDiscreteDual,
    SemiDiscreteResult,
    SemiDiscreteSGDResult,
    laguerre_cells,
    lloyd,
    semidiscrete_dual,
    semidiscrete_ot,
    semidiscrete_sgd,
    stochastic_gradient,
)
from .sliced import projected_wasserstein, random_directions, sliced_wasserstein
from .two_layer import (
    TeacherStudentTask,
    TwoLayerTraining,
    teacher_student_task,
    train_two_layer,
    two_layer_output,
    two_layer_risk,
)

__version__ = "0.1.0"

__all__ = [
    "InteractiveFigure",
    "Slider",
    "assignment",
    "cost_matrix",
    "interactive_figure",
    "monotone_plan_1d",
    "quantile_function",
    "wasserstein_1d",
    "AuctionResult",
    "auction",
    "eps_complementary_slackness",
    "GridDensity",
    "UniformDensity",
    "LaguerreCells",
    "LloydResult",
    "SemiDiscreteConvergenceWarning",
    "SemiDiscreteDual",
    "SemiDiscreteResult",
    "SemiDiscreteSGDResult",
    "laguerre_cells",
    "lloyd",
    "semidiscrete_dual",
    "semidiscrete_ot",
    "semidiscrete_sgd",
    "stochastic_gradient",
    "projected_wasserstein",
    "random_directions",
    "sliced_wasserstein",
    "ColorTransfer",
    "equalize_histogram",
    "match_channels",
    "transfer_colors",
    "PushforwardDensity",
    "cdf_1d",
    "monotone_map_1d",
    "monotone_map_samples",
    "pushforward_density_1d",
    "quantile_1d",
    "JKOConvergenceWarning",
    "JKOResult",
    "entropic_jko",
    "entropic_transport_cost",
    "grid_energy",
    "LangevinResult",
    "langevin",
    "ParticleFlowResult",
    "interaction_flow",
    "mmd_flow",
    "mmd_squared",
    "ring_radius",
    "sliced_wasserstein_flow",
    "ExactOTResult",
    "emd",
    "c_transform",
    "SinkhornConvergenceWarning",
    "SinkhornResult",
    "sinkhorn",
    "sinkhorn_divergence",
    "BarycenterConvergenceWarning",
    "GaussianMap",
    "bures",
    "gaussian_barycenter",
    "gaussian_geodesic",
    "gaussian_map",
    "gaussian_w2",
    "BenamouBrenierResult",
    "BenamouBrenierWarning",
    "benamou_brenier",
    "WeightedPoints",
    "displacement_interpolation",
    "displacement_interpolation_1d",
    "displacement_interpolation_density_1d",
    "EntropicBarycenterResult",
    "FreeSupportBarycenterResult",
    "entropic_barycenter",
    "free_support_barycenter",
    "SinkhornAttentionWarning",
    "TokenDynamics",
    "attention_matrix",
    "random_tokens",
    "token_dynamics",
    "DiffusionPath",
    "FlowMatchingModel",
    "GaussianMixture",
    "ou_forward",
    "path_straightness",
    "probability_flow",
    "reverse_sde",
    "train_flow_matching",
    "GANTraining",
    "W1Estimate",
    "estimate_w1",
    "train_gan",
    "train_wgan",
    "TeacherStudentTask",
    "TwoLayerTraining",
    "teacher_student_task",
    "train_two_layer",
    "two_layer_output",
    "two_layer_risk",
]
