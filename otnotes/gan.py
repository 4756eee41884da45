r"""Generative adversarial networks on 2-D data, with hand-written gradients.

A generator :math:`G_\theta : \mathbb{R}^k \to \mathbb{R}^2` pushes a latent
law :math:`\zeta = N(0, I_k)` forward to :math:`\mu_\theta = (G_\theta)_\#
\zeta`; training moves :math:`\mu_\theta` towards the data law :math:`\nu`
by minimising a divergence written in dual (variational) form, estimated by
a second network, the critic or discriminator :math:`D_\phi`.

*Wasserstein GAN* [1]_. By Kantorovich–Rubinstein duality,

.. math:: W_1(\nu, \mu_\theta) = \sup_{\mathrm{Lip}(D) \le 1}
   \mathbb{E}_{x\sim\nu} D(x) - \mathbb{E}_{z\sim\zeta} D(G_\theta(z)).

The critic maximises the right-hand side over an MLP class; the Lipschitz
constraint is imposed either by clipping every critic parameter to
:math:`[-c, c]` after each step [1]_ (every critic is then
:math:`K`-Lipschitz for a :math:`K` that depends on :math:`c` and the
architecture, so the critic's value is at most :math:`K\,W_1`), or by the
gradient penalty [2]_

.. math:: \lambda\, \mathbb{E}_{\hat x}\big(|\nabla_x D(\hat x)| - 1\big)^2,
   \qquad \hat x = t x + (1 - t) G_\theta(z), \ t \sim U[0, 1].

The generator minimises :math:`-\mathbb{E}_z D(G_\theta(z))`.

*Divergence GAN* [3]_. The discriminator :math:`D` outputs a logit; it
minimises :math:`\mathbb{E}_\nu \log(1 + e^{-D}) + \mathbb{E}_{\mu_\theta}
\log(1 + e^{D})`, whose minimum over all functions is :math:`\log 4 -
2\,\mathrm{JS}(\nu, \mu_\theta)`, and the generator minimises the
non-saturating loss :math:`\mathbb{E}_z \log(1 + e^{-D(G_\theta(z))})`.
When the supports of :math:`\nu` and :math:`\mu_\theta` are disjoint the
Jensen–Shannon divergence is constant (:math:`\log 2`) and gives no useful
signal, while :math:`W_1` still measures the distance [1]_.

Gradient of the penalty. For the one-hidden-layer tanh critic
:math:`D(x) = v^\top \tanh(W^\top x + c) + e` (``W`` of shape (2, H)),
:math:`\nabla_x D(x) = W (v \odot s)` with :math:`s = 1 - h^2`,
:math:`h = \tanh(W^\top x + c)`, is explicit, and the derivatives of the
penalty in :math:`(W, c, v)` follow by the chain rule through :math:`W`
(twice: in :math:`W(\cdot)` and in :math:`h`), :math:`v` and :math:`s`, using
:math:`s' = -2 h s`. This double backward is written out in
``_penalty_and_grad``; the gradient penalty therefore needs a critic with
exactly one hidden layer and tanh activation.

References
----------
.. [1] M. Arjovsky, S. Chintala and L. Bottou, "Wasserstein generative
   adversarial networks", ICML 2017.
.. [2] I. Gulrajani, F. Ahmed, M. Arjovsky, V. Dumoulin and A. Courville,
   "Improved training of Wasserstein GANs", NeurIPS 2017.
.. [3] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.
"""

from dataclasses import dataclass

import numpy as np

from ._validation import as_points, as_rng, check_positive, check_positive_int
from .mlp import Adam, _backward, _check_hidden, _forward, init_mlp

__all__ = ["GANTraining", "W1Estimate", "estimate_w1", "train_gan", "train_wgan"]


def _softplus(u):
    return np.logaddexp(0.0, u)


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def _critic_value_and_grad(params, x_real, x_fake):
    """J = mean D(fake) - mean D(real) and its gradient in the critic parameters."""
    n_real, n_fake = x_real.shape[0], x_fake.shape[0]
    out_r, cache_r = _forward(params, x_real, "tanh")
    out_f, cache_f = _forward(params, x_fake, "tanh")
    value = out_f.mean() - out_r.mean()
    g_r, _ = _backward(params, cache_r, np.full((n_real, 1), -1.0 / n_real), "tanh")
    g_f, _ = _backward(params, cache_f, np.full((n_fake, 1), 1.0 / n_fake), "tanh")
    return value, [a + b for a, b in zip(g_r, g_f, strict=True)]


def _input_gradient(params, x):
    """grad_x D(x) for a one-hidden-layer tanh critic; rows of shape (N, d)."""
    W, c, W2 = params[0], params[1], params[2]
    h = np.tanh(x @ W + c)
    return ((1.0 - h**2) * W2[:, 0]) @ W.T


def _penalty_and_grad(params, x_hat, weight):
    """lam * mean (|grad_x D(x_hat)| - 1)^2 and its gradient in the parameters."""
    W, c, W2 = params[0], params[1], params[2]
    v = W2[:, 0]
    n = x_hat.shape[0]
    h = np.tanh(x_hat @ W + c)
    s = 1.0 - h**2
    u = s * v  # (N, H)
    g = u @ W.T  # (N, d): input gradients
    norm = np.linalg.norm(g, axis=1)
    value = weight * np.mean((norm - 1.0) ** 2)
    # d value / d g_i; the direction g / |g| is taken as 0 where g = 0.
    safe = np.where(norm > 0, norm, 1.0)
    gamma = (2.0 * weight / n) * ((norm - 1.0) / safe)[:, None] * g
    gamma[norm == 0] = 0.0
    # g_i = W u_i: direct dependence on W, and on u_i.
    grad_W = gamma.T @ u
    back_u = gamma @ W  # (N, H)
    # u = s * v.
    grad_v = np.sum(back_u * s, axis=0)
    back_s = back_u * v
    # s = 1 - tanh(z)^2, ds/dz = -2 h s, z = x_hat W + c.
    back_z = back_s * (-2.0 * h * s)
    grad_W += x_hat.T @ back_z
    grad_c = back_z.sum(axis=0)
    grads = [grad_W, grad_c, grad_v[:, None], np.zeros_like(params[3])]
    return value, grads


def _generator_value_and_grad(gen_params, critic_params, z, gen_activation):
    """-mean D(G(z)) and its gradient in the generator parameters."""
    n = z.shape[0]
    fake, cache_g = _forward(gen_params, z, gen_activation)
    out, cache_d = _forward(critic_params, fake, "tanh")
    _, grad_fake = _backward(critic_params, cache_d, np.full((n, 1), -1.0 / n), "tanh")
    grads, _ = _backward(gen_params, cache_g, grad_fake, gen_activation)
    return -out.mean(), grads


def _discriminator_value_and_grad(params, x_real, x_fake):
    """mean softplus(-D(real)) + mean softplus(D(fake)) and its gradient."""
    n_real, n_fake = x_real.shape[0], x_fake.shape[0]
    out_r, cache_r = _forward(params, x_real, "tanh")
    out_f, cache_f = _forward(params, x_fake, "tanh")
    value = _softplus(-out_r).mean() + _softplus(out_f).mean()
    g_r, _ = _backward(params, cache_r, -_sigmoid(-out_r) / n_real, "tanh")
    g_f, _ = _backward(params, cache_f, _sigmoid(out_f) / n_fake, "tanh")
    return value, [a + b for a, b in zip(g_r, g_f, strict=True)]


def _nonsaturating_value_and_grad(gen_params, disc_params, z, gen_activation):
    """mean softplus(-D(G(z))) and its gradient in the generator parameters."""
    n = z.shape[0]
    fake, cache_g = _forward(gen_params, z, gen_activation)
    out, cache_d = _forward(disc_params, fake, "tanh")
    _, grad_fake = _backward(disc_params, cache_d, -_sigmoid(-out) / n, "tanh")
    grads, _ = _backward(gen_params, cache_g, grad_fake, gen_activation)
    return _softplus(-out).mean(), grads


@dataclass(frozen=True)
class GANTraining:
    """Snapshots and losses of a GAN training run.

    Attributes
    ----------
    steps : int array of shape (S,)
        Generator steps at which snapshots were taken (0 = before training).
    samples : array of shape (S, n_samples, 2)
        Generated points :math:`G(z_i)` for a fixed latent batch, at each
        snapshot (time first).
    critic_loss : array of shape (n_steps,)
        Critic (or discriminator) loss at its last update of each step, as
        minimised (for the WGAN: mean D(fake) - mean D(real) + penalty).
    generator_loss : array of shape (n_steps,)
        Generator loss at each step, as minimised.
    generator_params, critic_params : lists of arrays
        Final parameters (MLP layout of :mod:`otnotes.mlp`).
    generator_activation : str
        Activation of the generator's hidden layers (the critic uses tanh).
    kind : str
        ``"wgan-gp"``, ``"wgan-clip"`` or ``"gan"``.
    """

    steps: np.ndarray
    samples: np.ndarray
    critic_loss: np.ndarray
    generator_loss: np.ndarray
    generator_params: list
    critic_params: list
    generator_activation: str
    kind: str

    def generate(self, n_samples, *, seed=0):
        """Draw ``n_samples`` points from the trained generator."""
        n_samples = check_positive_int(n_samples, "n_samples")
        k = self.generator_params[0].shape[0]
        z = as_rng(seed).standard_normal((n_samples, k))
        return _forward(self.generator_params, z, self.generator_activation)[0]

    def critic(self, x):
        """Critic (or discriminator logit) values at the points ``x``, shape (N,)."""
        x = _check_critic_input(x, self.critic_params)
        return _forward(self.critic_params, x, "tanh")[0][:, 0]


def _check_critic_input(x, critic_params):
    x = as_points(x, "x")
    d = critic_params[0].shape[0]
    if x.shape[1] != d:
        raise ValueError(
            f"x must have {d} columns (the dimension of the data), got shape {x.shape}"
        )
    return x


def _check_common(data, n_steps, batch_size, lr, snapshot_every, n_samples):
    data = as_points(data, "data")
    n_steps = check_positive_int(n_steps, "n_steps")
    batch_size = check_positive_int(batch_size, "batch_size")
    lr = check_positive(lr, "lr")
    snapshot_every = check_positive_int(snapshot_every, "snapshot_every")
    n_samples = check_positive_int(n_samples, "n_samples")
    return data, n_steps, batch_size, lr, snapshot_every, n_samples


def _check_activation(activation, name):
    if activation not in ("tanh", "relu"):
        raise ValueError(f"{name} must be 'tanh' or 'relu', got {activation!r}")
    return activation


def train_wgan(
    data,
    *,
    n_steps=500,
    latent_dim=2,
    generator_hidden=(32, 32),
    generator_activation="relu",
    critic_hidden=(64,),
    constraint="gradient-penalty",
    penalty_weight=1.0,
    clip=0.05,
    n_critic=5,
    batch_size=128,
    lr=2e-3,
    seed=0,
    snapshot_every=25,
    n_samples=500,
):
    r"""Train a Wasserstein GAN on points in the plane (or any :math:`\mathbb{R}^d`).

    Alternates ``n_critic`` Adam steps on the critic loss

    .. math:: \frac1N \sum_i D(G(z_i)) - \frac1N \sum_i D(x_i)
       \; [+\ \lambda \tfrac1N \textstyle\sum_i (|\nabla D(\hat x_i)| - 1)^2]

    (mini-batches :math:`x_i` of the data, :math:`z_i \sim N(0, I_k)`,
    :math:`\hat x_i = t_i x_i + (1 - t_i) G(z_i)`, :math:`t_i \sim U[0,1]`)
    with one Adam step on the generator loss :math:`-\frac1N\sum_i
    D(G(z_i))`. With ``constraint="clip"`` every critic parameter is clipped
    to :math:`[-c, c]` after each critic step instead of the penalty.

    Parameters
    ----------
    data : array of shape (n, d)
        Data points (samples of :math:`\nu`).
    n_steps : int, optional
        Number of generator steps.
    latent_dim : int, optional
        Latent dimension :math:`k`.
    generator_hidden : int or tuple of int, optional
        Hidden widths of the generator MLP.
    generator_activation : {"relu", "tanh"}, optional
        Activation of the generator's hidden layers.
    critic_hidden : int or tuple of int, optional
        Hidden widths of the critic MLP (tanh). The gradient penalty needs a
        single hidden layer.
    constraint : {"gradient-penalty", "clip"}, optional
        How the Lipschitz constraint is imposed.
    penalty_weight : float, optional
        :math:`\lambda > 0` of the gradient penalty.
    clip : float, optional
        :math:`c > 0` for weight clipping.
    n_critic : int, optional
        Critic steps per generator step.
    batch_size : int, optional
        Mini-batch size :math:`N`.
    lr : float, optional
        Adam learning rate (both networks; :math:`\beta_1 = 0.5`,
        :math:`\beta_2 = 0.9`).
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.
    snapshot_every : int, optional
        Record the generated points every this many generator steps.
    n_samples : int, optional
        Size of the fixed latent batch used for the snapshots.

    Returns
    -------
    GANTraining

    Notes
    -----
    The penalty weight defaults to 1 rather than the 10 of [2]_: with these
    step sizes (Adam, a few hundred steps) a weight of 10 made training
    oscillate on 2-D Gaussian mixtures of unit scale, while 1 brought the
    samples steadily to the data. With weight 1 the critic is further from
    1-Lipschitz, so its value is not a sharp estimate of :math:`W_1`; use
    :func:`estimate_w1` (weight 10, fixed samples) for that. GAN training is
    not guaranteed to converge; the losses in the result show what happened.

    References
    ----------
    .. [1] M. Arjovsky, S. Chintala and L. Bottou, ICML 2017.
    .. [2] I. Gulrajani et al., NeurIPS 2017.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> data = rng.standard_normal((200, 2)) + 3.0
    >>> run = train_wgan(data, n_steps=50, snapshot_every=25, n_samples=100)
    >>> run.samples.shape
    (3, 100, 2)
    """
    data, n_steps, batch_size, lr, snapshot_every, n_samples = _check_common(
        data, n_steps, batch_size, lr, snapshot_every, n_samples
    )
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    generator_hidden = _check_hidden(generator_hidden, "generator_hidden")
    critic_hidden = _check_hidden(critic_hidden, "critic_hidden")
    generator_activation = _check_activation(
        generator_activation, "generator_activation"
    )
    n_critic = check_positive_int(n_critic, "n_critic")
    if constraint not in ("gradient-penalty", "clip"):
        raise ValueError(
            f"constraint must be 'gradient-penalty' or 'clip', got {constraint!r}"
        )
    # Each constraint reads one of the two, but a bad value of the other is
    # refused rather than ignored.
    penalty_weight = check_positive(penalty_weight, "penalty_weight")
    clip = check_positive(clip, "clip")
    if constraint == "gradient-penalty" and len(critic_hidden) != 1:
        raise ValueError(
            "critic_hidden must have exactly one hidden layer with the gradient "
            f"penalty (its gradient is written out for that case), got "
            f"{critic_hidden}"
        )
    n, d = data.shape
    rng = as_rng(seed)
    gen = init_mlp((latent_dim, *generator_hidden, d),
                   activation=generator_activation, seed=rng)
    critic = init_mlp((d, *critic_hidden, 1), activation="tanh", seed=rng)
    if constraint == "clip":
        for p in critic:
            np.clip(p, -clip, clip, out=p)
    opt_g = Adam(gen, lr=lr, beta1=0.5, beta2=0.9)
    opt_c = Adam(critic, lr=lr, beta1=0.5, beta2=0.9)
    z_fixed = rng.standard_normal((n_samples, latent_dim))

    steps, samples = [0], [_forward(gen, z_fixed, generator_activation)[0]]
    critic_loss = np.empty(n_steps)
    generator_loss = np.empty(n_steps)
    for step in range(n_steps):
        # Step 1: critic updates on fresh mini-batches.
        for _ in range(n_critic):
            real = data[rng.integers(n, size=batch_size)]
            z = rng.standard_normal((batch_size, latent_dim))
            fake = _forward(gen, z, generator_activation)[0]
            value, grads = _critic_value_and_grad(critic, real, fake)
            if constraint == "gradient-penalty":
                t = rng.random((batch_size, 1))
                x_hat = t * real + (1.0 - t) * fake
                pen, pen_grads = _penalty_and_grad(critic, x_hat, penalty_weight)
                value += pen
                grads = [a + b for a, b in zip(grads, pen_grads, strict=True)]
            opt_c.step(grads)
            if constraint == "clip":
                for p in critic:
                    np.clip(p, -clip, clip, out=p)
        critic_loss[step] = value

        # Step 2: generator update against the current critic.
        z = rng.standard_normal((batch_size, latent_dim))
        generator_loss[step], grads = _generator_value_and_grad(
            gen, critic, z, generator_activation
        )
        opt_g.step(grads)

        if (step + 1) % snapshot_every == 0 or step + 1 == n_steps:
            steps.append(step + 1)
            samples.append(_forward(gen, z_fixed, generator_activation)[0])
    return GANTraining(
        steps=np.array(steps),
        samples=np.array(samples),
        critic_loss=critic_loss,
        generator_loss=generator_loss,
        generator_params=gen,
        critic_params=critic,
        generator_activation=generator_activation,
        kind="wgan-gp" if constraint == "gradient-penalty" else "wgan-clip",
    )


def train_gan(
    data,
    *,
    n_steps=500,
    latent_dim=2,
    generator_hidden=(32, 32),
    generator_activation="relu",
    discriminator_hidden=(64,),
    n_discriminator=1,
    batch_size=128,
    lr=1e-3,
    seed=0,
    snapshot_every=25,
    n_samples=500,
):
    r"""Train a divergence (Jensen–Shannon, non-saturating) GAN on points.

    Alternates ``n_discriminator`` Adam steps on the discriminator loss
    :math:`\frac1N\sum_i \log(1 + e^{-D(x_i)}) + \frac1N\sum_i
    \log(1 + e^{D(G(z_i))})` with one Adam step on the non-saturating
    generator loss :math:`\frac1N \sum_i \log(1 + e^{-D(G(z_i))})` [1]_.
    For a fixed generator the optimal discriminator is
    :math:`D^* = \log(\rho_\nu / \rho_{\mu_\theta})` and the discriminator
    loss at :math:`D^*` is :math:`\log 4 - 2\,\mathrm{JS}(\nu, \mu_\theta)`.

    Parameters
    ----------
    data : array of shape (n, d)
        Data points.
    n_steps, latent_dim, generator_hidden, generator_activation : optional
        As in :func:`train_wgan`.
    discriminator_hidden : int or tuple of int, optional
        Hidden widths of the discriminator MLP (tanh).
    n_discriminator : int, optional
        Discriminator steps per generator step.
    batch_size, lr, seed, snapshot_every, n_samples : optional
        As in :func:`train_wgan` (Adam with :math:`\beta_1 = 0.5`,
        :math:`\beta_2 = 0.999`).

    Returns
    -------
    GANTraining
        With ``kind="gan"``; ``critic_params`` holds the discriminator.

    References
    ----------
    .. [1] I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014.

    Examples
    --------
    >>> data = np.random.default_rng(0).standard_normal((200, 2))
    >>> run = train_gan(data, n_steps=20, snapshot_every=10, n_samples=50)
    >>> run.samples.shape, run.kind
    ((3, 50, 2), 'gan')
    """
    data, n_steps, batch_size, lr, snapshot_every, n_samples = _check_common(
        data, n_steps, batch_size, lr, snapshot_every, n_samples
    )
    latent_dim = check_positive_int(latent_dim, "latent_dim")
    generator_hidden = _check_hidden(generator_hidden, "generator_hidden")
    discriminator_hidden = _check_hidden(discriminator_hidden, "discriminator_hidden")
    generator_activation = _check_activation(
        generator_activation, "generator_activation"
    )
    n_discriminator = check_positive_int(n_discriminator, "n_discriminator")
    n, d = data.shape
    rng = as_rng(seed)
    gen = init_mlp((latent_dim, *generator_hidden, d),
                   activation=generator_activation, seed=rng)
    disc = init_mlp((d, *discriminator_hidden, 1), activation="tanh", seed=rng)
    opt_g = Adam(gen, lr=lr, beta1=0.5, beta2=0.999)
    opt_d = Adam(disc, lr=lr, beta1=0.5, beta2=0.999)
    z_fixed = rng.standard_normal((n_samples, latent_dim))

    steps, samples = [0], [_forward(gen, z_fixed, generator_activation)[0]]
    disc_loss = np.empty(n_steps)
    generator_loss = np.empty(n_steps)
    for step in range(n_steps):
        # Step 1: discriminator updates (logistic loss, real vs generated).
        for _ in range(n_discriminator):
            real = data[rng.integers(n, size=batch_size)]
            z = rng.standard_normal((batch_size, latent_dim))
            fake = _forward(gen, z, generator_activation)[0]
            value, grads = _discriminator_value_and_grad(disc, real, fake)
            opt_d.step(grads)
        disc_loss[step] = value

        # Step 2: non-saturating generator update.
        z = rng.standard_normal((batch_size, latent_dim))
        generator_loss[step], grads = _nonsaturating_value_and_grad(
            gen, disc, z, generator_activation
        )
        opt_g.step(grads)

        if (step + 1) % snapshot_every == 0 or step + 1 == n_steps:
            steps.append(step + 1)
            samples.append(_forward(gen, z_fixed, generator_activation)[0])
    return GANTraining(
        steps=np.array(steps),
        samples=np.array(samples),
        critic_loss=disc_loss,
        generator_loss=generator_loss,
        generator_params=gen,
        critic_params=disc,
        generator_activation=generator_activation,
        kind="gan",
    )


@dataclass(frozen=True)
class W1Estimate:
    """Critic estimate of :math:`W_1` between two samples.

    Attributes
    ----------
    value : float
        :math:`\\frac1n\\sum_i D(x_i) - \\frac1m\\sum_j D(y_j)` for the trained
        critic.
    history : array of shape (n_steps,)
        The same difference during training.
    critic_params : list of arrays
        The critic (one hidden layer, tanh).
    """

    value: float
    history: np.ndarray
    critic_params: list

    def critic(self, x):
        """Critic values at the points ``x``, shape (N,)."""
        x = _check_critic_input(x, self.critic_params)
        return _forward(self.critic_params, x, "tanh")[0][:, 0]


def estimate_w1(
    x,
    y,
    *,
    hidden=64,
    penalty_weight=10.0,
    n_steps=1000,
    n_restarts=4,
    lr=5e-3,
    seed=0,
):
    r"""Estimate :math:`W_1` between two samples with a gradient-penalty critic.

    Maximises the penalised dual objective

    .. math:: J(D) = \frac1n \sum_i D(x_i) - \frac1m \sum_j D(y_j) -
       \lambda\, \frac1N\sum_k (|\nabla D(\hat x_k)| - 1)^2

    over a one-hidden-layer tanh critic by full-batch Adam, with
    :math:`\hat x_k` on segments between random pairs :math:`(x_i, y_j)`
    redrawn at each step, and returns the first two terms: the dual
    (Kantorovich–Rubinstein) estimate of :math:`W_1(\alpha, \beta)` for the
    empirical measures :math:`\alpha = \frac1n\sum_i\delta_{x_i}`,
    :math:`\beta = \frac1m\sum_j\delta_{y_j}`. The objective is not concave
    in the critic's parameters and training can stop at a poor local
    maximum, so ``n_restarts`` critics are trained from independent
    initialisations and the one with the largest :math:`J` (measured on one
    common set of points :math:`\hat x_k`) is kept.

    Parameters
    ----------
    x : array of shape (n, d)
        First sample.
    y : array of shape (m, d)
        Second sample, in the same dimension.
    hidden : int, optional
        Width of the hidden layer.
    penalty_weight : float, optional
        :math:`\lambda > 0`.
    n_steps : int, optional
        Number of Adam steps per critic.
    n_restarts : int, optional
        Number of critics trained from independent initialisations.
    lr : float, optional
        Adam learning rate (:math:`\beta_1 = 0.5`, :math:`\beta_2 = 0.9`).
    seed : int, numpy.random.Generator or None, optional
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    W1Estimate
        For the kept critic.

    Notes
    -----
    This is an estimate, not a bound. For any 1-Lipschitz :math:`D` the
    value is at most :math:`W_1(\alpha, \beta)` (weak duality), but the
    penalty only pushes :math:`|\nabla D|` towards 1 on average over the
    points :math:`\hat x_k`, so the trained critic need not be 1-Lipschitz
    and the value can be well above :math:`W_1` (tens of percent on 2-D
    clouds); a critic class that is too small, or too few steps, gives a
    value below it. Dividing the value by the largest
    :math:`|\nabla D|` on the segments between the samples gives a
    quantity that is at most :math:`W_1` when that largest slope is the
    Lipschitz constant of :math:`D` on the convex hull, which sampling can
    only approximate. For a certified value compute :math:`W_1` exactly
    (:func:`otnotes.emd` with ``cost_matrix(x, y, p=1)``).

    References
    ----------
    .. [1] I. Gulrajani et al., NeurIPS 2017.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal((200, 2))
    >>> est = estimate_w1(x, x + [3.0, 0.0], n_steps=300, n_restarts=1)
    >>> bool(2.5 < est.value < 3.6)  # exact W1 is 3, the length of the shift
    True
    """
    x = as_points(x, "x")
    y = as_points(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"y must have the dimension of x ({x.shape[1]} columns), got shape "
            f"{y.shape}"
        )
    hidden = check_positive_int(hidden, "hidden")
    penalty_weight = check_positive(penalty_weight, "penalty_weight")
    n_steps = check_positive_int(n_steps, "n_steps")
    n_restarts = check_positive_int(n_restarts, "n_restarts")
    lr = check_positive(lr, "lr")
    rng = as_rng(seed)
    n_pen = max(x.shape[0], y.shape[0])

    def segment_points(count):
        t = rng.random((count, 1))
        return (t * x[rng.integers(x.shape[0], size=count)]
                + (1.0 - t) * y[rng.integers(y.shape[0], size=count)])

    # Common points on which the restarts' penalised objectives are compared.
    x_check = segment_points(4 * n_pen)
    best = None
    for _ in range(n_restarts):
        critic = init_mlp((x.shape[1], hidden, 1), activation="tanh", seed=rng)
        opt = Adam(critic, lr=lr, beta1=0.5, beta2=0.9)
        history = np.empty(n_steps)
        for step in range(n_steps):
            value, grads = _critic_value_and_grad(critic, x, y)
            history[step] = -value
            _, pen_grads = _penalty_and_grad(critic, segment_points(n_pen),
                                             penalty_weight)
            # The critic loss minimised is -(estimate) + penalty.
            opt.step([a + b for a, b in zip(grads, pen_grads, strict=True)])
        value, _ = _critic_value_and_grad(critic, x, y)
        penalised = -value - _penalty_and_grad(critic, x_check, penalty_weight)[0]
        if best is None or penalised > best[0]:
            best = (penalised, W1Estimate(value=float(-value), history=history,
                                          critic_params=critic))
    return best[1]
