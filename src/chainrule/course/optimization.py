"""Course 2 week 2, optimization: mini-batches, momentum, Adam and learning-rate decay, the course's functions.

Each is a thin layer over ``chainrule.optim`` (one implementation of each formula); the
dictionaries v and s are keyed like the gradients (v["dW1"], s["db2"]), and parameters is
updated in place and returned, as in the course.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from chainrule import optim
from chainrule.datasets.planar import moons
from chainrule.losses import cost as _cost
from chainrule.network import Network

Arrays = dict[str, np.ndarray]  # parameters {"W1", "b1", …}, grads and v, s {"dW1", "db1", …}


def update_parameters_with_gd(parameters: Arrays, grads: Arrays, learning_rate: float) -> Arrays:
    """W[l] := W[l] − α dW[l], b[l] := b[l] − α db[l]."""
    optim.update_gd(parameters, grads, {}, learning_rate)
    return parameters


def random_mini_batches(X: np.ndarray, Y: np.ndarray, mini_batch_size: int = 64, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """np.random.seed(seed); shuffle the columns with np.random.permutation(m); full batches, then the remainder."""
    np.random.seed(seed)
    return optim.mini_batches(X, Y, mini_batch_size, np.random)


def initialize_velocity(parameters: Arrays) -> Arrays:
    """v = {"dW1": zeros, "db1": zeros, …}."""
    return optim.init_momentum(parameters)["v"]


def update_parameters_with_momentum(parameters: Arrays, grads: Arrays, v: Arrays, beta: float,
                                    learning_rate: float) -> tuple[Arrays, Arrays]:
    """v := β v + (1 − β) dW (in place), W := W − α v; returns (parameters, v)."""
    optim.update_momentum(parameters, grads, {"v": v}, learning_rate, beta=beta)
    return parameters, v


def initialize_adam(parameters: Arrays) -> tuple[Arrays, Arrays]:
    """(v, s), both zeros keyed like the gradients."""
    state = optim.init_adam(parameters)
    return state["v"], state["s"]


def update_parameters_with_adam(parameters: Arrays, grads: Arrays, v: Arrays, s: Arrays, t: int,
                                learning_rate: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8,
                                ) -> tuple[Arrays, Arrays, Arrays, Arrays, Arrays]:
    """One Adam step with the update count t (already incremented by the caller, as in the course).

    Returns (parameters, v, s, v_corrected, s_corrected); v and s are updated in place.
    """
    state: optim.State = {"v": v, "s": s, "t": t - 1}
    optim.update_adam(parameters, grads, state, learning_rate, beta1, beta2, epsilon)
    v_corrected, s_corrected = optim.adam_bias_corrected(state, beta1, beta2)
    return parameters, v, s, v_corrected, s_corrected


def update_lr(learning_rate0: float, epoch_num: int, decay_rate: float) -> float:
    """α = α₀ / (1 + decay_rate · epoch_num)."""
    return optim.decayed_learning_rate(learning_rate0, epoch_num, decay_rate)


def schedule_lr_decay(learning_rate0: float, epoch_num: int, decay_rate: float, time_interval: int = 1000) -> float:
    """α = α₀ / (1 + decay_rate · ⌊epoch_num / time_interval⌋)."""
    return optim.decayed_learning_rate(learning_rate0, epoch_num, decay_rate, time_interval)


def load_dataset() -> tuple[np.ndarray, np.ndarray]:
    """(train_X (2, 300), train_Y (1, 300)): the moons, np.random.seed(3), noise 0.2."""
    return moons(300, noise=0.2, seed=3)


def model(X: np.ndarray, Y: np.ndarray, layers_dims: list[int], optimizer: str, learning_rate: float = 0.0007, mini_batch_size: int = 64,
          beta: float = 0.9, beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8, num_epochs: int = 5000,
          print_cost: bool = True, decay: Callable[[float, int, float], float] | None = None, decay_rate: float = 1) -> Arrays:
    """Mini-batch training with "gd", "momentum" or "adam"; He initialization (seed 3); batches reshuffled with
    seed 10, 11, … per epoch; the cost of an epoch is the mean over its examples. Returns parameters."""
    np.random.seed(3)
    net = Network(layers_dims, ["relu", "sigmoid"], initialization="he", rng=np.random)
    parameters, m, t, seed, learning_rate0 = net.parameters, X.shape[1], 0, 10, learning_rate
    costs: list[float] = []  # the mean cost of each epoch
    if optimizer == "momentum":
        v = initialize_velocity(parameters)
    elif optimizer == "adam":
        v, s = initialize_adam(parameters)
    for i in range(num_epochs):
        seed += 1
        cost_total = 0.0
        for minibatch_X, minibatch_Y in random_mini_batches(X, Y, mini_batch_size, seed):
            AL, caches = net.forward(minibatch_X)
            cost_total += _cost(AL, minibatch_Y) * minibatch_X.shape[1]
            grads = net.backward(minibatch_Y, caches, need_dA0=False)
            if optimizer == "gd":
                update_parameters_with_gd(parameters, grads, learning_rate)
            elif optimizer == "momentum":
                update_parameters_with_momentum(parameters, grads, v, beta, learning_rate)
            else:
                t += 1
                update_parameters_with_adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon)
        costs.append(cost_total / m)
        if decay is not None:
            learning_rate = decay(learning_rate0, i, decay_rate)  # update_lr or schedule_lr_decay, from α₀
        if print_cost and i % 1000 == 0:
            print("Cost after epoch %i: %f" % (i, costs[-1]))
    return parameters
