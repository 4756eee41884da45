"""Run time of the gradient-flow solvers at the sizes chapter 7 uses.

Entropic JKO on 1-D and 2-D grids (Fokker-Planck, heat and porous medium),
particle flows (interaction, MMD, sliced Wasserstein) and Langevin dynamics.
Each row is one run, timed once after a small warm-up run.
"""

import time

import numpy as np

from otnotes.jko import entropic_jko
from otnotes.langevin import langevin
from otnotes.particles import interaction_flow, mmd_flow, sliced_wasserstein_flow

TITLE = "Gradient flows: entropic JKO, particle flows and Langevin"


def _timed(func):
    start = time.perf_counter()
    out = func()
    return out, time.perf_counter() - start


def _jko_rows():
    rows = []
    x = np.linspace(-5, 5, 200)
    h = x[1] - x[0]
    rho0 = np.exp(-((x - 1.5) ** 2) / 0.5)
    rho0 /= rho0.sum() * h
    res, secs = _timed(lambda: entropic_jko(rho0, x, tau=0.1, eps=0.005,
                                            n_steps=50, V=x**2 / 2))
    rows.append(["JKO Fokker-Planck 1-D, tau=0.1, eps=0.005", "200 cells x 50 steps",
                 f"{secs:.2f}", f"{res.iterations.mean():.0f} iterations/step"])

    bar = np.maximum(0.36 - x**2 / 12, 0.0)
    res, secs = _timed(lambda: entropic_jko(bar, x, tau=0.02, eps=0.005, n_steps=50,
                                            energy="porous_medium", m=2.0))
    rows.append(["JKO porous medium m=2 1-D, tau=0.02, eps=0.005",
                 "200 cells x 50 steps", f"{secs:.2f}",
                 f"{res.iterations.mean():.0f} iterations/step"])

    g = np.linspace(-6, 6, 64)
    X, Y = np.meshgrid(g, g, indexing="ij")
    rho2 = np.exp(-(X**2 + Y**2) / 2) / (2 * np.pi)
    res, secs = _timed(lambda: entropic_jko(rho2, (g, g), tau=0.25, eps=0.04,
                                            n_steps=20))
    rows.append(["JKO heat 2-D, tau=0.25, eps=0.04", "64 x 64 cells x 20 steps",
                 f"{secs:.2f}", f"{res.iterations.mean():.0f} iterations/step"])
    return rows


def _particle_rows():
    rows = []
    rng = np.random.default_rng(0)
    x0 = rng.uniform(-0.5, 0.5, (500, 2))
    res, secs = _timed(lambda: interaction_flow(x0, tau=0.01, n_steps=500))
    rows.append(["interaction flow |z|^2/2 - log|z|", "500 particles x 500 steps",
                 f"{secs:.2f}", f"energy {res.energy[0]:.3f} -> {res.energy[-1]:.3f}"])

    y = rng.normal(size=(500, 2)) * [1.5, 0.5] + [3.0, 0.0]
    x0 = rng.normal(size=(500, 2))
    res, secs = _timed(lambda: mmd_flow(x0, y, tau=0.5, n_steps=500,
                                        kernel="energy"))
    rows.append(["MMD flow, energy-distance kernel", "500 particles x 500 steps",
                 f"{secs:.2f}", f"MMD^2 {res.energy[0]:.2e} -> {res.energy[-1]:.2e}"])

    res, secs = _timed(lambda: sliced_wasserstein_flow(x0, y, tau=0.5, n_steps=500,
                                                       n_projections=50, seed=0))
    rows.append(["sliced-Wasserstein flow, 50 directions/step",
                 "500 particles x 500 steps", f"{secs:.2f}",
                 f"SW^2/2 {res.energy[0]:.2e} -> {res.energy[-1]:.2e}"])

    res, secs = _timed(lambda: langevin(rng.normal(size=(10000, 1)),
                                        lambda z: z**3 - z, tau=0.01,
                                        n_steps=1000, seed=0, record_every=100))
    rows.append(["Langevin, double well", "10000 particles x 1000 steps",
                 f"{secs:.2f}", f"E x^2 = {np.mean(res.x[-1] ** 2):.3f}"])
    return rows


def run():
    # Warm-up: first calls pay for imports and memory allocation.
    entropic_jko(np.ones(20), np.linspace(0, 1, 20), tau=0.1, eps=0.01, n_steps=1)
    rows = _jko_rows() + _particle_rows()
    notes = ("Wall-clock seconds of one run of each solver at the sizes of "
             "chapter 7. JKO steps stop when the first marginal is met to a "
             "relative L1 error of 1e-9; the iteration count grows like 1/eps. "
             "Particle flows record every step and evaluate the energy at each "
             "step (an O(N^2) cost for interaction and MMD flows).")
    return ["run", "size", "time (s)", "result"], rows, notes
