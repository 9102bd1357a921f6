"""Planted bugs for the rest of the specialization: course 1 weeks 2–4 and course 2, correct and with one bug each.

The same format as ``audit_planted.PLANTED``: (id, source, function, expected). Entries that share
a source are audited from one file (one process) by the tests; bugs planted in different functions
of one source are independent of each other.
"""

from __future__ import annotations

from audit_planted import expect, plant

WEEK2 = """
import copy
import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def initialize_with_zeros(dim):
    w = np.zeros((dim, 1))
    b = 0.0
    return w, b


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    cost = np.squeeze(np.array(cost))
    grads = {"dw": dw, "db": db}
    return grads, cost


def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):
    w = copy.deepcopy(w)
    b = copy.deepcopy(b)
    costs = []
    for i in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        dw = grads["dw"]
        db = grads["db"]
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % 100 == 0:
            costs.append(cost)
            if print_cost:
                print("Cost after iteration %i: %f" % (i, cost))
    params = {"w": w, "b": b}
    grads = {"dw": dw, "db": db}
    return params, grads, costs


def predict(w, b, X):
    m = X.shape[1]
    Y_prediction = np.zeros((1, m))
    w = w.reshape(X.shape[0], 1)
    A = sigmoid(np.dot(w.T, X) + b)
    for i in range(A.shape[1]):
        if A[0, i] > 0.5:
            Y_prediction[0, i] = 1
        else:
            Y_prediction[0, i] = 0
    return Y_prediction


def model(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5, print_cost=False):
    w, b = initialize_with_zeros(X_train.shape[0])
    params, grads, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, print_cost)
    w = params["w"]
    b = params["b"]
    Y_prediction_test = predict(w, b, X_test)
    Y_prediction_train = predict(w, b, X_train)
    d = {"costs": costs, "Y_prediction_test": Y_prediction_test, "Y_prediction_train": Y_prediction_train,
         "w": w, "b": b, "learning_rate": learning_rate, "num_iterations": num_iterations}
    return d
"""

# week 3, the functions beside forward_propagation / backward_propagation (those are in audit_planted.WEEK3)
WEEK3_REST = """
import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def layer_sizes(X, Y):
    n_x = X.shape[0]
    n_h = 4
    n_y = Y.shape[0]
    return (n_x, n_h, n_y)


def initialize_parameters(n_x, n_h, n_y):
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2, Y):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    return float(np.squeeze(-np.sum(logprobs) / m))


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate=1.2):
    new = {}
    for name in ("W1", "b1", "W2", "b2"):
        new[name] = parameters[name] - learning_rate * grads["d" + name]
    return new


def nn_model(X, Y, n_h, num_iterations=10000, print_cost=False):
    np.random.seed(3)
    n_x = layer_sizes(X, Y)[0]
    n_y = layer_sizes(X, Y)[2]
    parameters = initialize_parameters(n_x, n_h, n_y)
    for i in range(0, num_iterations):
        A2, cache = forward_propagation(X, parameters)
        cost = compute_cost(A2, Y)
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads)
        if print_cost and i % 1000 == 0:
            print("Cost after iteration %i: %f" % (i, cost))
    return parameters


def predict(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2 > 0.5
"""

# an older week 3: initialize_parameters seeds 2 inside, compute_cost takes parameters
WEEK3_OLD = plant(
    WEEK3_REST,
    ("    W1 = np.random.randn(n_h, n_x) * 0.01\n", "    np.random.seed(2)\n    W1 = np.random.randn(n_h, n_x) * 0.01\n"),
    ("def compute_cost(A2, Y):", "def compute_cost(A2, Y, parameters):"),
    ("        cost = compute_cost(A2, Y)", "        cost = compute_cost(A2, Y, parameters)"),
)

WEEK4_REST = """
import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z)), Z


def relu(Z):
    return np.maximum(0, Z), Z


def initialize_parameters(n_x, n_h, n_y):
    np.random.seed(1)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def initialize_parameters_deep(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_activation_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev) + b
    linear_cache = (A_prev, W, b)
    if activation == "sigmoid":
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        A, activation_cache = relu(Z)
    return A, (linear_cache, activation_cache)


def update_parameters(params, grads, learning_rate):
    parameters = params.copy()
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters
"""

# the application: its two models, with chainrule's course functions standing in for dnn_app_utils_v3
WEEK4_APP = """
import numpy as np
from chainrule.course.week4_app import (initialize_parameters, initialize_parameters_deep, linear_activation_forward,
                                        linear_activation_backward, L_model_forward, L_model_backward, compute_cost,
                                        update_parameters)


def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    grads = {}
    costs = []
    (n_x, n_h, n_y) = layers_dims
    parameters = initialize_parameters(n_x, n_h, n_y)
    W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
    for i in range(0, num_iterations):
        A1, cache1 = linear_activation_forward(X, W1, b1, "relu")
        A2, cache2 = linear_activation_forward(A1, W2, b2, "sigmoid")
        cost = compute_cost(A2, Y)
        dA2 = - (np.divide(Y, A2) - np.divide(1 - Y, 1 - A2))
        dA1, dW2, db2 = linear_activation_backward(dA2, cache2, "sigmoid")
        dA0, dW1, db1 = linear_activation_backward(dA1, cache1, "relu")
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        parameters = update_parameters(parameters, grads, learning_rate)
        W1, b1, W2, b2 = parameters["W1"], parameters["b1"], parameters["W2"], parameters["b2"]
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations:
            costs.append(cost)
    return parameters, costs


def L_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    np.random.seed(1)
    costs = []
    parameters = initialize_parameters_deep(layers_dims)
    for i in range(0, num_iterations):
        AL, caches = L_model_forward(X, parameters)
        cost = compute_cost(AL, Y)
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
        if print_cost and i % 100 == 0 or i == num_iterations - 1:
            print("Cost after iteration {}: {}".format(i, np.squeeze(cost)))
        if i % 100 == 0 or i == num_iterations:
            costs.append(cost)
    return parameters, costs
"""

COURSE2_INIT = """
import numpy as np


def initialize_parameters_zeros(layers_dims):
    parameters = {}
    L = len(layers_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_random(layers_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def initialize_parameters_he(layers_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layers_dims) - 1
    for l in range(1, L + 1):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2. / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))
    return parameters


def model(X, Y, learning_rate=0.01, num_iterations=15000, print_cost=True, initialization="he"):
    return None
"""

COURSE2_REG = """
import numpy as np
from reg_utils import compute_cost


def compute_cost_with_regularization(A3, Y, parameters, lambd):
    m = Y.shape[1]
    W1, W2, W3 = parameters["W1"], parameters["W2"], parameters["W3"]
    cross_entropy_cost = compute_cost(A3, Y)
    L2_regularization_cost = lambd / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))
    return cross_entropy_cost + L2_regularization_cost


def backward_propagation_with_regularization(X, Y, cache, lambd):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd / m * W3
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T) + lambd / m * W2
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T) + lambd / m * W1
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def forward_propagation_with_dropout(X, parameters, keep_prob=0.5):
    np.random.seed(1)
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    W3, b3 = parameters["W3"], parameters["b3"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(0, Z1)
    D1 = np.random.rand(A1.shape[0], A1.shape[1])
    D1 = (D1 < keep_prob).astype(int)
    A1 = A1 * D1
    A1 = A1 / keep_prob
    Z2 = np.dot(W2, A1) + b2
    A2 = np.maximum(0, Z2)
    D2 = np.random.rand(A2.shape[0], A2.shape[1])
    D2 = (D2 < keep_prob).astype(int)
    A2 = A2 * D2
    A2 = A2 / keep_prob
    Z3 = np.dot(W3, A2) + b3
    A3 = 1 / (1 + np.exp(-Z3))
    cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return A3, cache


def backward_propagation_with_dropout(X, Y, cache, keep_prob):
    m = X.shape[1]
    (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dA2 = dA2 * D2
    dA2 = dA2 / keep_prob
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dA1 = dA1 * D1
    dA1 = dA1 / keep_prob
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
"""

# course 2's gradient checking notebook: the 1-D functions, and gradient_check_n with gc_utils' helpers
COURSE2_GC = """
import numpy as np
from gc_utils import sigmoid, relu, dictionary_to_vector, vector_to_dictionary, gradients_to_vector


def forward_propagation(x, theta):
    J = theta * x
    return J


def backward_propagation(x, theta):
    dtheta = x
    return dtheta


def gradient_check(x, theta, epsilon=1e-7, print_msg=False):
    theta_plus = theta + epsilon
    theta_minus = theta - epsilon
    J_plus = forward_propagation(x, theta_plus)
    J_minus = forward_propagation(x, theta_minus)
    gradapprox = (J_plus - J_minus) / (2 * epsilon)
    grad = backward_propagation(x, theta)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    if print_msg:
        print("difference = " + str(difference))
    return difference


def forward_propagation_n(X, Y, parameters):
    m = X.shape[1]
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(0, Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = np.maximum(0, Z2)
    Z3 = np.dot(W3, A2) + b3
    A3 = 1 / (1 + np.exp(-Z3))
    log_probs = np.multiply(-np.log(A3), Y) + np.multiply(-np.log(1 - A3), 1 - Y)
    cost = 1. / m * np.sum(log_probs)
    return cost, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)


def gradient_check_n(parameters, gradients, X, Y, epsilon=1e-7, print_msg=False):
    parameters_values, _ = dictionary_to_vector(parameters)
    grad = gradients_to_vector(gradients)
    num_parameters = parameters_values.shape[0]
    J_plus = np.zeros((num_parameters, 1))
    J_minus = np.zeros((num_parameters, 1))
    gradapprox = np.zeros((num_parameters, 1))
    for i in range(num_parameters):
        theta_plus = np.copy(parameters_values)
        theta_plus[i] = theta_plus[i] + epsilon
        J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_plus))
        theta_minus = np.copy(parameters_values)
        theta_minus[i] = theta_minus[i] - epsilon
        J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(theta_minus))
        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)
    numerator = np.linalg.norm(grad - gradapprox)
    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)
    difference = numerator / denominator
    if print_msg:
        print("difference = " + str(difference))
    return difference
"""

COURSE2_OPT = """
import math
import numpy as np


def update_parameters_with_gd(parameters, grads, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * grads["db" + str(l)]
    return parameters


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    np.random.seed(seed)
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete_minibatches = math.floor(m / mini_batch_size)
    for k in range(0, num_complete_minibatches):
        mini_batch_X = shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batch_Y = shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    if m % mini_batch_size != 0:
        mini_batch_X = shuffled_X[:, num_complete_minibatches * mini_batch_size:]
        mini_batch_Y = shuffled_Y[:, num_complete_minibatches * mini_batch_size:]
        mini_batches.append((mini_batch_X, mini_batch_Y))
    return mini_batches


def initialize_velocity(parameters):
    L = len(parameters) // 2
    v = {}
    for l in range(1, L + 1):
        v["dW" + str(l)] = np.zeros(parameters["W" + str(l)].shape)
        v["db" + str(l)] = np.zeros(parameters["b" + str(l)].shape)
    return v


def update_parameters_with_momentum(parameters, grads, v, beta, learning_rate):
    L = len(parameters) // 2
    for l in range(1, L + 1):
        v["dW" + str(l)] = beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]
        v["db" + str(l)] = beta * v["db" + str(l)] + (1 - beta) * grads["db" + str(l)]
        parameters["W" + str(l)] = parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]
        parameters["b" + str(l)] = parameters["b" + str(l)] - learning_rate * v["db" + str(l)]
    return parameters, v


def initialize_adam(parameters):
    L = len(parameters) // 2
    v = {}
    s = {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            v["d" + p + str(l)] = np.zeros_like(parameters[p + str(l)])
            s["d" + p + str(l)] = np.zeros_like(parameters[p + str(l)])
    return v, s


def update_parameters_with_adam(parameters, grads, v, s, t, learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8):
    L = len(parameters) // 2
    v_corrected = {}
    s_corrected = {}
    for l in range(1, L + 1):
        for p in ("W", "b"):
            key = "d" + p + str(l)
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            v_corrected[key] = v[key] / (1 - np.power(beta1, t))
            s[key] = beta2 * s[key] + (1 - beta2) * np.power(grads[key], 2)
            s_corrected[key] = s[key] / (1 - np.power(beta2, t))
            parameters[p + str(l)] = parameters[p + str(l)] - learning_rate * v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)
    return parameters, v, s, v_corrected, s_corrected


def update_lr(learning_rate0, epoch_num, decay_rate):
    learning_rate = 1 / (1 + decay_rate * epoch_num) * learning_rate0
    return learning_rate


def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
    learning_rate = 1 / (1 + decay_rate * np.floor(epoch_num / time_interval)) * learning_rate0
    return learning_rate
"""

W2A = plant(WEEK2, ("1 / (1 + np.exp(-z))", "1 / (1 + np.exp(z))"), ("    b = 0.0\n", "    b = np.zeros((1, 1))\n"))
W2B = plant(WEEK2, ("dw = 1 / m * np.dot(X, (A - Y).T)", "dw = np.dot(X, (A - Y).T)"))
W2C = plant(WEEK2, ("dw = 1 / m * np.dot(X, (A - Y).T)", "dw = 1 / m * np.dot(A - Y, X.T)"))
W2D = plant(WEEK2, ("    A = sigmoid(np.dot(w.T, X) + b)\n    cost", "    A = sigmoid(np.dot(w.T, X))\n    cost"))
W2E = plant(
    WEEK2,
    ("w = w - learning_rate * dw", "w = w + learning_rate * dw"),
    ("b = b - learning_rate * db", "b = b + learning_rate * db"),
    ("cost = -1 / m * np.sum", "cost = 1 / m * np.sum"),
)
W3A = plant(
    WEEK3_REST,
    ("n_x = X.shape[0]", "n_x = X.shape[1]"),
    ("W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.random.randn(n_h, n_x)"),
    ("W2 = np.random.randn(n_y, n_h) * 0.01", "W2 = np.random.randn(n_y, n_h)"),
)
W3B = plant(
    WEEK3_REST,
    ("parameters[name] - learning_rate * grads", "parameters[name] + learning_rate * grads"),
    ("W1 = np.random.randn(n_h, n_x) * 0.01", "W1 = np.random.randn(n_x, n_h) * 0.01"),
)
W4A = plant(
    WEEK4_REST,
    ("    np.random.seed(3)\n", ""),
    (
        '    elif activation == "relu":\n        A, activation_cache = relu(Z)',
        '    elif activation == "relu":\n        A, activation_cache = sigmoid(Z)',
    ),
)
W4B = plant(
    WEEK4_REST,
    ('parameters["W" + str(l + 1)] - learning_rate * grads', 'parameters["W" + str(l + 1)] - grads'),
    ('parameters["b" + str(l + 1)] - learning_rate * grads', 'parameters["b" + str(l + 1)] - grads'),
    ("layer_dims[l - 1]) * 0.01", "layer_dims[l - 1])"),
)
C2I_A = plant(
    COURSE2_INIT,
    ("    np.random.seed(3)\n    parameters = {}\n    L = len(layers_dims)\n", "    parameters = {}\n    L = len(layers_dims)\n"),
    ("np.sqrt(2. / layers_dims[l - 1])", "np.sqrt(2. / layers_dims[l])"),
)
C2I_B = plant(
    COURSE2_INIT,
    ("np.sqrt(2. / layers_dims[l - 1])", "np.sqrt(1. / layers_dims[l - 1])"),
    ("layers_dims[l - 1]) * 10", "layers_dims[l - 1])"),
)
C2R_A = plant(
    COURSE2_REG,
    ("L2_regularization_cost = lambd / (2 * m) *", "L2_regularization_cost = lambd / 2 *"),
    ("dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd / m * W3", "dW3 = 1. / m * np.dot(dZ3, A2.T)"),
    ("    A1 = A1 / keep_prob\n", ""),
    ("    A2 = A2 / keep_prob\n", ""),
    ("    dA2 = dA2 * D2\n", ""),
    ("    dA1 = dA1 * D1\n", ""),
)
C2R_B = plant(
    COURSE2_REG,
    ("L2_regularization_cost = lambd / (2 * m) *", "L2_regularization_cost = lambd / m *"),
    ("+ lambd / m * W3", "+ lambd / (2 * m) * W3"),
    ("+ lambd / m * W2", "+ lambd / (2 * m) * W2"),
    ("+ lambd / m * W1", "+ lambd / (2 * m) * W1"),
    ("    np.random.seed(1)\n", ""),
    ("    dA2 = dA2 / keep_prob\n", ""),
    ("    dA1 = dA1 / keep_prob\n", ""),
)
ONE_D_TAIL = "    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)\n    difference = numerator / denominator\n"
N_D_TAIL = "        gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)\n    numerator = np.linalg.norm(grad - gradapprox)\n"
C2G_A = plant(
    COURSE2_GC,
    (
        "    grad = backward_propagation(x, theta)\n    numerator = np.linalg.norm(grad - gradapprox)\n" + ONE_D_TAIL,
        "    grad = backward_propagation(x, theta)\n    numerator = np.linalg.norm(grad - gradapprox)\n    difference = numerator\n",
    ),
    ("gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)", "gradapprox[i] = (J_plus[i] - J_minus[i]) / epsilon"),
)
C2G_B = plant(
    COURSE2_GC,
    ("    dtheta = x\n", "    dtheta = theta\n"),
    ("theta_plus = np.copy(parameters_values)", "theta_plus = parameters_values"),
    ("theta_minus = np.copy(parameters_values)", "theta_minus = parameters_values"),
)
C2G_C = plant(
    COURSE2_GC,
    ("    J = theta * x\n", "    J = theta + x\n"),
    (
        N_D_TAIL + "    denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)\n",
        N_D_TAIL + "    denominator = np.linalg.norm(grad + gradapprox)\n",
    ),
)
C2O_A = plant(
    COURSE2_OPT,
    ('parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]', 'parameters["W" + str(l)] + learning_rate * grads["dW" + str(l)]'),
    ('beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]', 'beta * v["dW" + str(l)] + grads["dW" + str(l)]'),
    ("v_corrected[key] / (np.sqrt(s_corrected[key]) + epsilon)", "v[key] / (np.sqrt(s[key]) + epsilon)"),
    ("    np.random.seed(seed)\n", ""),
    ("np.floor(epoch_num / time_interval)", "epoch_num / time_interval"),
)
C2O_B = plant(
    COURSE2_OPT,
    ('beta * v["dW" + str(l)] + (1 - beta) * grads["dW" + str(l)]', '(1 - beta) * v["dW" + str(l)] + beta * grads["dW" + str(l)]'),
    ("(np.sqrt(s_corrected[key]) + epsilon)", "np.sqrt(s_corrected[key] + epsilon)"),
    ("    if m % mini_batch_size != 0:\n", "    if False:\n"),
    (
        "learning_rate = 1 / (1 + decay_rate * epoch_num) * learning_rate0",
        "learning_rate = learning_rate0 * np.exp(-decay_rate * epoch_num)",
    ),
    ('v["dW" + str(l)] = np.zeros(parameters', 'v["W" + str(l)] = np.zeros(parameters'),
)
C2O_C = plant(
    COURSE2_OPT,
    ("shuffled_X[:, num_complete_minibatches * mini_batch_size:]", "shuffled_X[:, m - mini_batch_size * num_complete_minibatches:]"),
    ("shuffled_Y[:, num_complete_minibatches * mini_batch_size:]", "shuffled_Y[:, m - mini_batch_size * num_complete_minibatches:]"),
    ("np.power(grads[key], 2)", "grads[key]"),
    ('parameters["W" + str(l)] - learning_rate * v["dW" + str(l)]', 'parameters["W" + str(l)] - learning_rate * grads["dW" + str(l)]'),
)

# a 1-D check that writes J = θx and dθ = x itself instead of calling forward_propagation and backward_propagation
GC_INLINE = plant(
    COURSE2_GC,
    ("    J_plus = forward_propagation(x, theta_plus)\n    J_minus = forward_propagation(x, theta_minus)\n",
     "    J_plus = theta_plus * x\n    J_minus = theta_minus * x\n"),
    ("    grad = backward_propagation(x, theta)\n", "    grad = x\n"),
)

UNAUDITABLE = WEEK2.replace("def propagate(w, b, X, Y):", "def propagate(w, b, X, Y, Z):")
OPTIONAL_ARGUMENT = COURSE2_OPT.replace(
    "def update_lr(learning_rate0, epoch_num, decay_rate):", "def update_lr(learning_rate0, epoch_num, decay_rate, verbose=False):"
)

PLANTED_COURSE = [
    # ---- correct, every version (no false alarm) ----
    *[
        (f"week 2 correct: {f}", WEEK2, f, expect("correct"))
        for f in ("sigmoid", "initialize_with_zeros", "propagate", "optimize", "predict", "model")
    ],
    *[
        (f"week 3 correct: {f}", WEEK3_REST, f, expect("correct"))
        for f in ("layer_sizes", "initialize_parameters", "update_parameters", "nn_model", "predict", "compute_cost")
    ],
    *[
        (f"week 3 older version: {f}", WEEK3_OLD, f, expect("correct", says=says))
        for f, says in (("initialize_parameters", ("seed(2)",)), ("compute_cost", ()), ("nn_model", ("older versions",)))
    ],
    *[
        (f"week 4 correct: {f}", WEEK4_REST, f, expect("correct"))
        for f in ("initialize_parameters", "initialize_parameters_deep", "linear_activation_forward", "update_parameters", "sigmoid")
    ],
    *[(f"week 4 application correct: {f}", WEEK4_APP, f, expect("correct")) for f in ("two_layer_model", "L_layer_model")],
    *[
        (f"course 2 initialization correct: {f}", COURSE2_INIT, f, expect("correct"))
        for f in ("initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he")
    ],
    *[
        (f"course 2 regularization correct: {f}", COURSE2_REG, f, expect("correct"))
        for f in (
            "compute_cost_with_regularization",
            "backward_propagation_with_regularization",
            "forward_propagation_with_dropout",
            "backward_propagation_with_dropout",
        )
    ],
    *[
        (f"course 2 gradient checking correct: {f}", COURSE2_GC, f, expect("correct"))
        for f in ("forward_propagation", "backward_propagation", "gradient_check", "forward_propagation_n", "gradient_check_n")
    ],
    *[
        (f"course 2 optimization correct: {f}", COURSE2_OPT, f, expect("correct"))
        for f in (
            "update_parameters_with_gd",
            "random_mini_batches",
            "initialize_velocity",
            "update_parameters_with_momentum",
            "initialize_adam",
            "update_parameters_with_adam",
            "update_lr",
            "schedule_lr_decay",
        )
    ],
    ("an extra argument with a default is left at it", OPTIONAL_ARGUMENT, "update_lr", expect("correct")),
    ("a 1-D check with J and dθ written inside it", GC_INLINE, "gradient_check", expect("correct", says=("written inside the check",))),
    # ---- planted bugs: week 2 ----
    ("sigmoid with e^z", W2A, "sigmoid", expect(key="s", diagnosis="wrong-formula", says=("minus sign",))),
    ("b as an array", W2A, "initialize_with_zeros", expect(key="b", diagnosis="shape", says=("(1, 1)",))),
    ("propagate: dw without 1/m", W2B, "propagate", expect(key="dw", diagnosis="scale", factor="m", says=("the 1/m is missing",))),
    ("propagate: dw transposed", W2C, "propagate", expect(key="dw", diagnosis="transposed")),
    ("propagate: A without b", W2D, "propagate", expect(key="cost", diagnosis="wrong-input", says=("without + b",))),
    ("optimize: a step up the gradient", W2E, "optimize", expect(key="w", diagnosis="wrong-formula", says=("w + α dw",))),
    ("propagate: cost without the minus", W2E, "propagate", expect(key="cost", diagnosis="sign", factor="-1")),
    # ---- week 3 and 4 ----
    ("layer_sizes: n_x = m", W3A, "layer_sizes", expect(key="n_x", diagnosis="wrong-input", says=("X.shape[1]",))),
    ("initialize_parameters without 0.01", W3A, "initialize_parameters", expect(key="W1", diagnosis="wrong-formula", says=("0.01",))),
    ("update_parameters: W + α dW", W3B, "update_parameters", expect(key="W1", diagnosis="wrong-formula")),
    (
        "initialize_parameters: W1 drawn transposed",
        W3B,
        "initialize_parameters",
        expect(key="W1", diagnosis="shape", says=("randn(n_x, n_h)",)),
    ),
    (
        "initialize_parameters_deep not seeded",
        W4A,
        "initialize_parameters_deep",
        expect(key="W1", diagnosis="seed", says=("np.random.seed(3)",)),
    ),
    ("linear_activation_forward: sigmoid in the relu branch", W4A, "linear_activation_forward", expect(key="relu: A", diagnosis="unknown")),
    ("week 4 update_parameters without α", W4B, "update_parameters", expect(key="W1", diagnosis="wrong-formula", says=("learning rate",))),
    ("initialize_parameters_deep without 0.01", W4B, "initialize_parameters_deep", expect(key="W1", diagnosis="wrong-formula")),
    # ---- course 2 week 1 ----
    ("random initialization not seeded", C2I_A, "initialize_parameters_random", expect(key="W1", diagnosis="seed")),
    ("He with n[l]", C2I_A, "initialize_parameters_he", expect(key="W1", diagnosis="wrong-input", says=("layers_dims[l]",))),
    ("He with 1/n[l-1]", C2I_B, "initialize_parameters_he", expect(key="W1", diagnosis="wrong-formula", says=("√(1/n[l-1])",))),
    (
        "random initialization without 10",
        C2I_B,
        "initialize_parameters_random",
        expect(key="W1", diagnosis="wrong-formula", says=("· 10",)),
    ),
    (
        "L2 cost without 1/m",
        C2R_A,
        "compute_cost_with_regularization",
        expect(key="cost", diagnosis="wrong-formula", says=("without the 1/m",)),
    ),
    (
        "L2 gradient missing in dW3",
        C2R_A,
        "backward_propagation_with_regularization",
        expect(key="dW3", diagnosis="wrong-formula", says=("without the L2 term",)),
    ),
    (
        "dropout forward not divided by keep_prob",
        C2R_A,
        "forward_propagation_with_dropout",
        expect(key="A1", diagnosis="wrong-formula", says=("keep_prob",)),
    ),
    (
        "dropout backward without the mask",
        C2R_A,
        "backward_propagation_with_dropout",
        expect(key="dA2", diagnosis="wrong-formula", says=("mask D not applied",)),
    ),
    (
        "L2 cost without 1/2",
        C2R_B,
        "compute_cost_with_regularization",
        expect(key="cost", diagnosis="wrong-formula", says=("without the 1/2",)),
    ),
    (
        "L2 gradient with λ/2m",
        C2R_B,
        "backward_propagation_with_regularization",
        expect(key="dW3", diagnosis="wrong-formula", says=("λ/2m",)),
    ),
    (
        "dropout masks not seeded",
        C2R_B,
        "forward_propagation_with_dropout",
        expect(key="D1", diagnosis="seed", says=("np.random.seed(1)",)),
    ),
    (
        "dropout backward not divided by keep_prob",
        C2R_B,
        "backward_propagation_with_dropout",
        expect(key="dA2", diagnosis="wrong-formula", says=("without / keep_prob",)),
    ),
    (
        "1-D difference without its denominator",
        C2G_A,
        "gradient_check",
        expect(key="difference", diagnosis="wrong-formula", says=("without dividing",)),
    ),
    ("N-D gradapprox without the 2", C2G_A, "gradient_check_n", expect(key="difference", diagnosis="wrong-formula", says=("2ε",))),
    ("1-D dtheta = theta", C2G_B, "backward_propagation", expect(key="dtheta", diagnosis="wrong-input")),
    ("N-D θ not copied", C2G_B, "gradient_check_n", expect(key="difference", diagnosis="wrong-formula", says=("np.copy",))),
    ("1-D J = θ + x", C2G_C, "forward_propagation", expect(key="J", diagnosis="wrong-formula")),
    (
        "N-D denominator ‖grad + gradapprox‖",
        C2G_C,
        "gradient_check_n",
        expect(key="difference", diagnosis="wrong-formula", says=("‖grad + gradapprox‖",)),
    ),
    # ---- course 2 week 2 ----
    ("gd: W + α dW", C2O_A, "update_parameters_with_gd", expect(key="W1", diagnosis="wrong-formula")),
    (
        "momentum without 1 − β",
        C2O_A,
        "update_parameters_with_momentum",
        expect(key="v[dW1]", diagnosis="wrong-formula", says=("(1 − β)",)),
    ),
    (
        "Adam without bias correction",
        C2O_A,
        "update_parameters_with_adam",
        expect(key="W1", diagnosis="wrong-formula", says=("bias correction",)),
    ),
    ("mini-batches not seeded", C2O_A, "random_mini_batches", expect(key="mini-batch 1: X", diagnosis="seed", says=("seed argument",))),
    ("schedule_lr_decay not floored", C2O_A, "schedule_lr_decay", expect(key="learning_rate", diagnosis="wrong-formula", says=("floor",))),
    (
        "momentum with β and 1 − β swapped",
        C2O_B,
        "update_parameters_with_momentum",
        expect(key="v[dW1]", diagnosis="wrong-formula", says=("swapped",)),
    ),
    (
        "Adam with ε inside the square root",
        C2O_B,
        "update_parameters_with_adam",
        expect(key="W1", diagnosis="wrong-formula", says=("inside the square root",)),
    ),
    # a count off is no factor (audit.compare: one number's multiple must read the same on every probe): the bug is named
    ("the last mini-batch missing", C2O_B, "random_mini_batches",
     expect(key="number of mini-batches", diagnosis="wrong-formula", says=("the last one", "left out"))),
    ("exponential decay for update_lr", C2O_B, "update_lr", expect(key="learning_rate", diagnosis="wrong-formula", says=("exponential",))),
    ("velocity keyed W1", C2O_B, "initialize_velocity", expect(key="dW1", diagnosis="key-naming", says=("'W1'",))),
    ("Adam's s not squared", C2O_C, "update_parameters_with_adam", expect(key="s[dW1]", diagnosis="wrong-formula", says=("not squared",))),
    (
        "momentum's velocity not used",
        C2O_C,
        "update_parameters_with_momentum",
        expect(key="W1", diagnosis="wrong-formula", says=("not used",)),
    ),
    # ---- recognition ----
    (
        "the last mini-batch from m mod size",
        C2O_C,
        "random_mini_batches",
        expect(key="mini-batch 3: X", diagnosis="wrong-input", says=("m mod mini_batch_size",)),
    ),
    (
        "a course name that cannot be called as the course's",
        UNAUDITABLE,
        "propagate",
        expect("not-audited", diagnosis="not-audited", says=("propagate(w, b, X, Y)",)),
    ),
]
