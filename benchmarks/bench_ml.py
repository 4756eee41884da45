"""Training and integration time of the machine-learning models of Part III.

Each model runs once at the size its chapter uses: the two-layer network of
Chapter 11, token dynamics of Chapter 12 (softmax and Sinkhorn attention),
the GANs of Chapter 13 and the diffusion samplers and flow matching of
Chapter 14. Target: well under a minute each.
"""

import time

import numpy as np

from otnotes.attention import random_tokens, token_dynamics
from otnotes.diffusion import (
    GaussianMixture,
    path_straightness,
    probability_flow,
    reverse_sde,
    train_flow_matching,
)
from otnotes.gan import estimate_w1, train_gan, train_wgan
from otnotes.two_layer import teacher_student_task, train_two_layer

TITLE = "Machine-learning models (Part III): training and integration time"
TARGET_S = 60.0


def _ring(n, seed):
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * rng.integers(8, size=n) / 8
    centres = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return centres + 0.1 * rng.standard_normal((n, 2))


def _mixture():
    return GaussianMixture(
        [0.3, 0.5, 0.2],
        [[-2.0, 0.0], [2.0, 1.0], [0.0, -2.5]],
        [np.array([[0.3, 0.1], [0.1, 0.2]]), 0.2 * np.eye(2),
         np.array([[0.5, -0.2], [-0.2, 0.3]])],
    )


def _mean_error(path, mixture):
    return np.linalg.norm(path.x[-1].mean(axis=0) - mixture.mean())


def _cases():
    task = teacher_student_task(500, 5, 8, seed=0)
    ring = _ring(4000, 0)
    mixture = _mixture()
    gaussian = np.random.default_rng(1).standard_normal((5000, 2))
    data = mixture.sample(4000, seed=2)
    return [
        ("two-layer net, m = 200, 2000 GD steps, n = 500, d = 5",
         lambda: train_two_layer(task.x, task.y, 200, tau=0.2, n_steps=2000),
         lambda r: f"risk {r.loss[0]:.3g} -> {r.loss[-1]:.3g}"),
        ("tokens, softmax, n = 64, d = 3, beta = 4, 500 steps",
         lambda: token_dynamics(random_tokens(64, 3), beta=4.0, tau=0.05,
                                n_steps=500, record_every=10),
         lambda r: f"mean <x_i, x_j> {r.mean_inner_product()[-1]:.3f}"),
        ("tokens, Sinkhorn, n = 64, d = 3, beta = 4, 500 steps",
         lambda: token_dynamics(random_tokens(64, 3), beta=4.0, tau=0.05,
                                n_steps=500, record_every=10, kind="sinkhorn"),
         lambda r: f"mean <x_i, x_j> {r.mean_inner_product()[-1]:.3f}"),
        ("WGAN-GP, 8-Gaussian ring, 1000 generator steps",
         lambda: train_wgan(ring, n_steps=1000, snapshot_every=50),
         lambda r: f"critic loss {r.critic_loss[-1]:.3f}"),
        ("WGAN, weight clipping, 1000 generator steps",
         lambda: train_wgan(ring, n_steps=1000, constraint="clip",
                            critic_hidden=(64, 64), snapshot_every=50),
         lambda r: f"critic loss {r.critic_loss[-1]:.4f}"),
        ("JS GAN (non-saturating), 1000 generator steps",
         lambda: train_gan(ring, n_steps=1000, snapshot_every=50),
         lambda r: f"discriminator loss {r.critic_loss[-1]:.3f}"),
        ("critic estimate of W1, 500 + 500 points, 4 x 1000 steps",
         lambda: estimate_w1(ring[:500], gaussian[:500], n_steps=1000),
         lambda r: f"estimate {r.value:.3f}"),
        ("probability-flow ODE, 5000 points, 200 Heun steps",
         lambda: probability_flow(mixture, gaussian, T=8.0, n_steps=200),
         lambda r: f"mean error {_mean_error(r, mixture):.3f}"),
        ("reverse SDE, 5000 points, 500 Euler-Maruyama steps",
         lambda: reverse_sde(mixture, gaussian, T=8.0, n_steps=500),
         lambda r: f"mean error {_mean_error(r, mixture):.3f}"),
        ("flow matching, independent coupling, 1500 steps",
         lambda: train_flow_matching(data, n_steps=1500),
         lambda r: "straightness "
         f"{path_straightness(r.sample(gaussian[:1000])):.3f}"),
        ("flow matching, minibatch-OT coupling, 1500 steps",
         lambda: train_flow_matching(data, coupling="ot", n_steps=1500),
         lambda r: "straightness "
         f"{path_straightness(r.sample(gaussian[:1000])):.3f}"),
    ]


def run():
    rows = []
    for label, job, summary in _cases():
        start = time.perf_counter()
        result = job()
        elapsed = time.perf_counter() - start
        rows.append([label, f"{elapsed:.2f}", "yes" if elapsed < TARGET_S else "no",
                     summary(result)])
    headers = ["model and size", "time (s)", f"under {TARGET_S:.0f} s", "outcome"]
    notes = (
        "One run each, seeded, in float64 numpy with hand-written gradients. "
        "Times include every forward and backward pass and, for minibatch-OT "
        "flow matching, one exact 128 x 128 assignment per step. Straightness "
        "is the mean excess kinetic energy over straight lines of 1000 sampled "
        "paths (50 Heun steps); smaller is straighter. These models multiply "
        "many small matrices: on a loaded machine a multithreaded BLAS can make "
        "them an order of magnitude slower than one thread "
        "(OPENBLAS_NUM_THREADS=1 avoids it)."
    )
    return headers, rows, notes


if __name__ == "__main__":
    headers, rows, notes = run()
    print(TITLE)
    for row in rows:
        print(" | ".join(row))
    print(notes)
