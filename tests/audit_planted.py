"""The audit's accuracy corpus: correct course functions as each notebook version has them, and copies with one bug each.

Each entry of PLANTED is (id, source, function, expected): the source is written to a file, the
modules of HELPERS beside it, and audited; ``expected`` holds the verdict, the convention, the
notebook version, the first wrong key, its diagnosis and factor, and phrases the summary must
contain. ``function`` None audits the whole file and expects every function to have the verdict;
``expected["context"]`` audits the whole file and reads one function's result (a diagnosis that
depends on the rest of the file).

The fixtures are written for chainrule, after the patterns of the course's notebook versions as
learners' public copies show them (2017–2018: testCases_v3, dnn_utils_v2, the grads["dA" + str(l)]
naming, template asserts; 2019–2020: testCases_v4a; 2021 on: public_tests, dnn_utils) and of the
bugs the issue lists; no learner's code is copied.
"""

from __future__ import annotations

from pathlib import Path

WEEK4 = '''
import numpy as np
from chainrule.course.week4 import relu_backward, sigmoid_backward


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1 / m * np.dot(dZ, A_prev.T)
    db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
    return linear_backward(dZ, linear_cache)


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = dA_prev, dW, db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    return grads
'''

# a self-contained L_model_backward, one layer a loop turn, in either convention
WEEK4_LOOP = '''
import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        if l == L:
            s = sigmoid(Z)
            dZ = dA * s * (1 - s)
        else:
            dZ = dA * (Z > 0)
        dW = 1 / m * dZ @ A_prev.T
        db = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = W.T @ dZ
        grads["dW" + str(l)], grads["db" + str(l)], grads["dA" + str(l - 1)] = dW, db, dA
    return grads
'''

WEEK3 = '''
import numpy as np


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1, W2 = parameters["W1"], parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = 1 / m * np.dot(dZ2, A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1 / m * np.dot(dZ1, X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
'''

COURSE2 = '''
import numpy as np


def backward_propagation_n(X, Y, cache):
    m = X.shape[1]
    (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache
    dZ3 = A3 - Y
    dW3 = 1. / m * np.dot(dZ3, A2.T)
    db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)
    dA2 = np.dot(W3.T, dZ3)
    dZ2 = np.multiply(dA2, np.int64(A2 > 0))
    dW2 = 1. / m * np.dot(dZ2, A1.T)
    db2 = 1. / m * np.sum(dZ2, axis=1, keepdims=True)
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = np.multiply(dA1, np.int64(A1 > 0))
    dW1 = 1. / m * np.dot(dZ1, X.T)
    db1 = 1. / m * np.sum(dZ1, axis=1, keepdims=True)
    return {"dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}
'''

FORWARD = '''
import numpy as np


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    return Z, (A, W, b)


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev = A
        Z, linear_cache = linear_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)])
        A = sigmoid(Z) if l == L else np.maximum(0, Z)
        caches.append((linear_cache, Z))
    return A, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
    return np.squeeze(cost)


def forward_propagation(X, parameters):
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
'''


def plant(source: str, *replacements: tuple[str, str]) -> str:
    """``source`` with each (old, new) replaced exactly once: a planted bug."""
    for old, new in replacements:
        assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
        assert old != new, f"{old!r} replaced by itself"
        source = source.replace(old, new)
    return source


def expect(verdict="wrong", key=None, diagnosis=None, factor=None, convention=None, says=(), version=None, context=False,
           lacks=()):
    """What the audit must say: ``says`` phrases it must contain, ``lacks`` phrases it must not."""
    return {"verdict": verdict, "key": key, "diagnosis": diagnosis, "factor": factor, "convention": convention, "says": says,
            "version": version, "context": context, "lacks": lacks}


# the course's helper module, as a learner has it beside the notebook (here: chainrule's functions of the same semantics)
HELPERS = {
    "dnn_utils_v2.py": "from chainrule.course.week4 import relu, relu_backward, sigmoid, sigmoid_backward  # noqa: F401\n",
    "dnn_utils.py": "from chainrule.course.week4 import relu, relu_backward, sigmoid, sigmoid_backward  # noqa: F401\n",
}


OUTPUT_CHAIN = "            s = sigmoid(Z)\n            dZ = dA * s * (1 - s)"

LOOP_COST = plant(
    WEEK4_LOOP,
    ("dA = -(np.divide(Y, AL)", "dA = -1 / m * (np.divide(Y, AL)"),
    ("dW = 1 / m * dZ @ A_prev.T", "dW = dZ @ A_prev.T"),
    ("db = 1 / m * np.sum(dZ", "db = np.sum(dZ"),
)

PLANTED = [
    # ---- correct, in either convention (no false alarm) ----
    ("week4 correct", WEEK4, "L_model_backward", expect("correct", convention="loss")),
    ("linear_backward correct", WEEK4, "linear_backward", expect("correct", convention="loss")),
    ("linear_activation_backward correct", WEEK4, "linear_activation_backward", expect("correct", convention="loss")),
    ("L loop correct", WEEK4_LOOP, "L_model_backward", expect("correct", convention="loss")),
    ("L loop cost convention", LOOP_COST, "L_model_backward", expect("correct", convention="cost", says=('"cost"',))),
    ("linear_backward cost convention", plant(WEEK4, ("dW = 1 / m * np", "dW = np"), ("db = 1 / m * np", "db = np")),
     "linear_backward", expect("correct", convention="cost", says=("m times too large",))),
    ("L fused dZ = AL - Y", plant(WEEK4_LOOP, (OUTPUT_CHAIN, "            dZ = AL - Y")),
     "L_model_backward", expect("correct", convention="loss", says=("AL - Y", "σ(Z[L])"))),
    ("L fused, cost convention", plant(LOOP_COST, (OUTPUT_CHAIN, "            dZ = (AL - Y) / m")),
     "L_model_backward", expect("correct", convention="cost", says=("AL - Y",))),
    ("week3 correct", WEEK3, "backward_propagation", expect("correct", says=("same in both conventions",))),
    ("week3 tanh' from Z1", plant(WEEK3, ("(1 - np.power(A1, 2))", "(1 - np.tanh(cache['Z1']) ** 2)")),
     "backward_propagation", expect("correct", says=("real forward pass", "Z1"))),
    ("course 2 correct", COURSE2, "backward_propagation_n", expect("correct", convention="loss")),
    ("course 2 cost convention", plant(COURSE2, ("dZ3 = A3 - Y", "dZ3 = (A3 - Y) / m"), ("dW3 = 1. / m * np", "dW3 = np"),
                                      ("db3 = 1. / m * np", "db3 = np"), ("dW2 = 1. / m * np", "dW2 = np"),
                                      ("db2 = 1. / m * np", "db2 = np"), ("dW1 = 1. / m * np", "dW1 = np"),
                                      ("db1 = 1. / m * np", "db1 = np")),
     "backward_propagation_n", expect("correct", convention="cost")),
    ("forward correct", FORWARD, "L_model_forward", expect("correct")),
    ("compute_cost correct", FORWARD, "compute_cost", expect("correct")),
    ("forward_propagation correct", FORWARD, "forward_propagation", expect("correct")),
    ("linear_forward correct", FORWARD, "linear_forward", expect("correct")),
    # ---- planted bugs: week 4 step by step ----
    ("db without 1/m", plant(WEEK4, ("db = 1 / m * np", "db = np")), "linear_backward",
     expect(key="db", diagnosis="scale", factor="m")),
    ("dW transposed", plant(WEEK4, ("np.dot(dZ, A_prev.T)", "np.dot(A_prev, dZ.T)")), "linear_backward",
     expect(key="dW", diagnosis="transposed")),
    ("db without keepdims", plant(WEEK4, ("np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=1)")), "linear_backward",
     expect(key="db", diagnosis="shape", says=("(3,)", "(3, 1)", "keepdims"))),
    ("db over axis 0", plant(WEEK4, ("np.sum(dZ, axis=1, keepdims=True)", "np.sum(dZ, axis=0, keepdims=True)")), "linear_backward",
     expect(key="db", diagnosis="shape", says=("axis 0",))),
    ("m from the wrong axis", plant(WEEK4, ("m = A_prev.shape[1]", "m = A_prev.shape[0]")), "linear_backward",
     expect(key="dW", diagnosis="wrong-input", says=("A_prev.shape[0]",))),
    ("dA_prev sign", plant(WEEK4, ("dA_prev = np.dot(W.T, dZ)", "dA_prev = -np.dot(W.T, dZ)")), "linear_backward",
     expect(key="dA_prev", diagnosis="sign", factor="-1")),
    ("returned in the wrong order", plant(WEEK4, ("    return dA_prev, dW, db\n", "    return dW, db, dA_prev\n")), "linear_backward",
     expect(key="dW", diagnosis="key-naming", says=("in the place of dA_prev", "(dA_prev, dW, db)"))),
    ("relu branch uses sigmoid_backward",
     plant(WEEK4, ("dZ = relu_backward(dA, activation_cache)", "dZ = sigmoid_backward(dA, activation_cache)")),
     "linear_activation_backward", expect(key="relu: dW", diagnosis="wrong-activation-derivative", says=("sigmoid's derivative",))),
    ("relu branch without relu'", plant(WEEK4, ("dZ = relu_backward(dA, activation_cache)", "dZ = dA")),
     "linear_activation_backward", expect(key="relu: dW", diagnosis="missing-activation-derivative")),
    ("dA_prev with 1/m compounds", plant(WEEK4, ("dA_prev = np.dot(W.T, dZ)", "dA_prev = 1 / m * np.dot(W.T, dZ)")),
     "L_model_backward", expect(key="dA2", diagnosis="scale", factor="1/m", says=("compounds", "1/m^2", "1/m^3"))),
    ("1/m twice: at the output and in dW", plant(WEEK4, ("dAL = - (np", "dAL = - 1 / Y.shape[1] * (np")),
     "L_model_backward", expect(key="dW3", diagnosis="scale", factor="1/m", says=("mix of conventions", "applied twice"))),
    ("no 1/m anywhere", plant(WEEK4, ("dW = 1 / m * np", "dW = np"), ("db = 1 / m * np", "db = np")),
     "L_model_backward", expect(key="dW3", diagnosis="scale", factor="m", says=("mix of conventions",))),
    ("older dA naming", plant(WEEK4, ('grads["dA" + str(L - 1)], grads["dW"', 'grads["dA" + str(L)], grads["dW"'),
                                ('grads["dA" + str(l + 1)], current_cache', 'grads["dA" + str(l + 2)], current_cache'),
                                ('grads["dA" + str(l)] = dA_prev', 'grads["dA" + str(l + 1)] = dA_prev')),
     "L_model_backward", expect("correct", convention="loss", says=("2017–2018", "grads['dA3'] is dA[2]"))),
    ("dA0 not stored",
     plant(WEEK4, ('        grads["dA" + str(l)] = dA_prev\n', '        if l > 0:\n            grads["dA" + str(l)] = dA_prev\n')),
     "L_model_backward", expect(key="dA0", diagnosis="missing-key")),
    ("sigmoid for the hidden layers", plant(WEEK4, ('current_cache, "relu")', 'current_cache, "sigmoid")')),
     "L_model_backward", expect(key="dW2", diagnosis="wrong-activation-derivative", says=("sigmoid's derivative", "layers 1, 2"))),
    ("no sigmoid' at the output", plant(WEEK4_LOOP, ("            dZ = dA * s * (1 - s)", "            dZ = dA")),
     "L_model_backward", expect(key="dW3", diagnosis="missing-activation-derivative")),
    ("sigmoid' of AL instead of Z", plant(WEEK4_LOOP, ("s = sigmoid(Z)", "s = sigmoid(AL)")),
     "L_model_backward", expect(key="dW3", diagnosis="wrong-input", says=("A3 passed where Z3 belongs",))),
    ("dAL sign", plant(WEEK4, ("dAL = - (np.divide", "dAL = (np.divide")), "L_model_backward",
     expect(key="dW3", diagnosis="sign", factor="-1", says=("follow from dZ3",), lacks=("independent",))),
    ("dW with A instead of A_prev",
     plant(WEEK4_LOOP, ("dW = 1 / m * dZ @ A_prev.T", "dW = 1 / m * dZ @ (caches[l][0][0] if l < L else AL).T")),
     "L_model_backward", expect(key="dW3", diagnosis="wrong-input", says=("A3 instead of A2",))),
    ("a shape bug that raises", plant(WEEK4, ("dA_prev = np.dot(W.T, dZ)", "dA_prev = np.dot(W, dZ)")), "L_model_backward",
     expect("error", diagnosis="error", says=("ValueError", "line 11", "np.dot(W, dZ)"))),
    ("cost convention with 1/m in dA_prev", plant(LOOP_COST, ("dA = W.T @ dZ", "dA = W.T @ dZ / m")), "L_model_backward",
     expect(key="dA2", diagnosis="scale", factor="1/m", says=("compounds", "∂J/∂A[2]"))),
    ("cost convention, dW2 transposed", plant(LOOP_COST, ("dW = dZ @ A_prev.T", "dW = dZ @ A_prev.T if l != 2 else A_prev @ dZ.T")),
     "L_model_backward", expect(key="dW2", diagnosis="transposed")),
    # ---- week 3 ----
    ("week3 1 - Z1^2", plant(WEEK3, ("(1 - np.power(A1, 2))", "(1 - np.power(cache['Z1'], 2))")), "backward_propagation",
     expect(key="dW1", diagnosis="wrong-input", says=("Z1 used where A1 belongs",))),
    ("week3 sigmoid's derivative", plant(WEEK3, ("(1 - np.power(A1, 2))", "A1 * (1 - A1)")), "backward_propagation",
     expect(key="dW1", diagnosis="wrong-activation-derivative", says=("sigmoid's derivative",))),
    ("week3 X instead of A1", plant(WEEK3, ("np.dot(dZ2, A1.T)", "np.dot(dZ2, X.T)")), "backward_propagation",
     expect(key="dW2", diagnosis="wrong-input", says=("X instead of A1",))),
    ("week3 dW1 without 1/m", plant(WEEK3, ("dW1 = 1 / m * np", "dW1 = np")), "backward_propagation",
     expect(key="dW1", diagnosis="scale", factor="m")),
    ("week3 1/m twice", plant(WEEK3, ("dZ2 = A2 - Y", "dZ2 = (A2 - Y) / m")), "backward_propagation",
     expect(key="dW2", diagnosis="scale", factor="1/m", says=("1/m applied twice",))),
    ("week3 db1 without keepdims", plant(WEEK3, ("db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)", "db1 = 1 / m * np.sum(dZ1, axis=1)")),
     "backward_propagation", expect(key="db1", diagnosis="shape", says=("(5,)",))),
    ("week3 dW2 transposed", plant(WEEK3, ("np.dot(dZ2, A1.T)", "np.dot(A1, dZ2.T)")), "backward_propagation",
     expect(key="dW2", diagnosis="transposed")),
    ("week3 missing tanh'", plant(WEEK3, (" * (1 - np.power(A1, 2))", "")), "backward_propagation",
     expect(key="dW1", diagnosis="missing-activation-derivative")),
    # ---- course 2, gradient checking ----
    ("course 2's planted bugs", plant(COURSE2, ("dW2 = 1. / m * np.dot(dZ2, A1.T)", "dW2 = 1. / m * np.dot(dZ2, A1.T) * 2"),
                                     ("db1 = 1. / m * np", "db1 = 4. / m * np")),
     "backward_propagation_n", expect(key="dW2", diagnosis="scale", factor="2", says=("plants in backward_propagation_n on purpose",))),
    ("course 2's db1 with 4/m", plant(COURSE2, ("db1 = 1. / m * np", "db1 = 4. / m * np")),
     "backward_propagation_n", expect(key="db1", diagnosis="scale", factor="4")),
    ("course 2 dA2 with 1/m", plant(COURSE2, ("dA2 = np.dot(W3.T, dZ3)", "dA2 = 1. / m * np.dot(W3.T, dZ3)")),
     "backward_propagation_n", expect(key="dA2", diagnosis="scale", factor="1/m", says=("later array",))),
    ("course 2 dZ2 with the wrong mask",
     plant(COURSE2, ("np.multiply(dA2, np.int64(A2 > 0))", "np.multiply(dA2, np.int64(Z2 > 1))")),
     "backward_propagation_n", expect(key="dZ2", diagnosis="unknown", says=("largest differences",))),
    ("course 2 dW1 with A1", plant(COURSE2, ("dW1 = 1. / m * np.dot(dZ1, X.T)", "dW1 = 1. / m * np.dot(dZ1, A1.T)")),
     "backward_propagation_n", expect(key="dW1", diagnosis="wrong-input", says=("A1 instead of X",))),
    # ---- forward functions ----
    ("cost without the minus", plant(FORWARD, ("cost = -1 / m", "cost = 1 / m")), "compute_cost",
     expect(key="cost", diagnosis="sign", factor="-1")),
    ("cost not squeezed", plant(FORWARD, ("    return np.squeeze(cost)", "    return np.array([[cost]])")), "compute_cost",
     expect(key="cost", diagnosis="shape", says=("(1, 1)",))),
    ("Z = W.T A", plant(FORWARD, ("Z = np.dot(W, A) + b", "Z = np.dot(A.T, W.T).T + b.T.T")), "linear_forward", expect("correct")),
    ("forward without relu", plant(FORWARD, ("else np.maximum(0, Z)", "else Z")), "L_model_forward",
     expect(key="A1", diagnosis="unknown")),
]

# ---- the notebook versions ----------------------------------------------------------------------------

# week 4 as the 2017–2018 notebook (v3) had it: testCases_v3, dnn_utils_v2, template asserts, grads["dA" + str(l)]
WEEK4_2017 = '''
import numpy as np
from testCases_v3 import *
from dnn_utils_v2 import sigmoid, sigmoid_backward, relu, relu_backward

np.random.seed(1)


def linear_forward(A, W, b):
    Z = np.dot(W, A) + b
    assert(Z.shape == (W.shape[0], A.shape[1]))
    cache = (A, W, b)
    return Z, cache


def linear_activation_forward(A_prev, W, b, activation):
    if activation == "sigmoid":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = sigmoid(Z)
    elif activation == "relu":
        Z, linear_cache = linear_forward(A_prev, W, b)
        A, activation_cache = relu(Z)
    assert (A.shape == (W.shape[0], A_prev.shape[1]))
    cache = (linear_cache, activation_cache)
    return A, cache


def L_model_forward(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = linear_activation_forward(A_prev, parameters['W' + str(l)], parameters['b' + str(l)], activation="relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters['W' + str(L)], parameters['b' + str(L)], activation="sigmoid")
    caches.append(cache)
    assert(AL.shape == (1, X.shape[1]))
    return AL, caches


def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1. / m * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))
    cost = np.squeeze(cost)
    assert(cost.shape == ())
    return cost


def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    assert (dA_prev.shape == A_prev.shape)
    assert (dW.shape == W.shape)
    assert (db.shape == b.shape)
    return dA_prev, dW, db


def linear_activation_backward(dA, cache, activation):
    linear_cache, activation_cache = cache
    if activation == "relu":
        dZ = relu_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    elif activation == "sigmoid":
        dZ = sigmoid_backward(dA, activation_cache)
        dA_prev, dW, db = linear_backward(dZ, linear_cache)
    return dA_prev, dW, db


def L_model_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)
    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L-1]
    grads["dA" + str(L)], grads["dW" + str(L)], grads["db" + str(L)] = linear_activation_backward(dAL, current_cache, activation="sigmoid")
    for l in reversed(range(L-1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = linear_activation_backward(grads["dA" + str(l + 2)], current_cache, activation="relu")
        grads["dA" + str(l + 1)] = dA_prev_temp
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads


AL, Y_assess, caches = L_model_backward_test_case()
grads = L_model_backward(AL, Y_assess, caches)
print_grads(grads)
'''

# the same functions as the 2019–2020 notebook (v4a) has them: testCases_v4a, grads["dA" + str(l - 1)], np.multiply cost
WEEK4_2019 = plant(
    WEEK4_2017,
    ("from testCases_v3 import *", "from testCases_v4a import *"),
    ('grads["dA" + str(L)], grads["dW" + str(L)]', 'grads["dA" + str(L-1)], grads["dW" + str(L)]'),
    ('linear_activation_backward(grads["dA" + str(l + 2)]', 'linear_activation_backward(grads["dA" + str(l + 1)]'),
    ('        grads["dA" + str(l + 1)] = dA_prev_temp', '        grads["dA" + str(l)] = dA_prev_temp'),
    ("    cost = -1. / m * (np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T))\n",
     "    cost = -1. / m * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))\n"),
)

# 2021 on: dnn_utils and public_tests, the test calls after each function, no asserts in linear_backward
WEEK4_2021 = plant(
    WEEK4_2019,
    ("from testCases_v4a import *\nfrom dnn_utils_v2 import", "from testCases import *\nfrom public_tests import *\nfrom dnn_utils import"),
    ("    assert (dA_prev.shape == A_prev.shape)\n    assert (dW.shape == W.shape)\n    assert (db.shape == b.shape)\n", ""),
    ("AL, Y_assess, caches = L_model_backward_test_case()\ngrads = L_model_backward(AL, Y_assess, caches)\nprint_grads(grads)\n",
     "t_AL, t_Y_assess, t_caches = L_model_backward_test_case()\ngrads = L_model_backward(t_AL, t_Y_assess, t_caches)\n"
     "L_model_backward_test(L_model_backward)\n"),
)

# the application notebook's helper module (dnn_app_utils_v2 of 2017–2018): every function in one file, no test imports
APP_UTILS_2017 = plant(
    WEEK4_2017,
    ("from testCases_v3 import *\nfrom dnn_utils_v2 import sigmoid, sigmoid_backward, relu, relu_backward\n",
     "from dnn_utils_v2 import sigmoid, sigmoid_backward, relu, relu_backward\n"),
    ("AL, Y_assess, caches = L_model_backward_test_case()\ngrads = L_model_backward(AL, Y_assess, caches)\nprint_grads(grads)\n", ""),
)

# week 3 (planar data) as the 2017–2020 notebooks had it: testCases_v2, planar_utils, assert(isinstance(cost, float))
WEEK3_2017 = '''
import numpy as np
from testCases_v2 import *
from planar_utils import plot_decision_boundary, sigmoid, load_planar_dataset, load_extra_datasets

np.random.seed(1)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    assert(A2.shape == (1, X.shape[1]))
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def compute_cost(A2, Y, parameters):
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    cost = - np.sum(logprobs) / m
    cost = np.squeeze(cost)
    assert(isinstance(cost, float))
    return cost


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters["W1"]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(W2.T, dZ2), 1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    return grads


X, Y = load_planar_dataset()
parameters, X_assess = forward_propagation_test_case()
A2, cache = forward_propagation(X_assess, parameters)
'''

# 2021 on: compute_cost(A2, Y) returning float(np.squeeze(cost)), public_tests
WEEK3_2021 = plant(
    WEEK3_2017,
    ("from testCases_v2 import *", "from testCases_v2 import *\nfrom public_tests import *"),
    ("def compute_cost(A2, Y, parameters):", "def compute_cost(A2, Y):"),
    ("    cost = np.squeeze(cost)\n    assert(isinstance(cost, float))\n", "    cost = float(np.squeeze(cost))\n"),
)

W4_DB = "    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)\n"
W4_DW = "    dW = 1. / m * np.dot(dZ, A_prev.T)\n"
COST_2019 = "    cost = -1. / m * np.sum(np.multiply(Y, np.log(AL)) + np.multiply(1 - Y, np.log(1 - AL)))\n"

PLANTED += [
    # ---- correct files, each as its notebook version has it: every function correct, exit 0 ----
    ("2017 week 4, whole file", WEEK4_2017, None, expect("correct", version="2017–2018", says=("2017–2018",))),
    ("2017 L_model_backward, grads['dA' + str(l)]", WEEK4_2017, "L_model_backward",
     expect("correct", convention="loss", version="2017–2018", says=("grads['dA3'] is dA[2]", "testCases_v3"))),
    ("2019 week 4, whole file", WEEK4_2019, None, expect("correct", version="2019–2025")),
    ("2021 week 4, whole file", WEEK4_2021, None, expect("correct", version="2019–2025")),
    ("dnn_app_utils_v2, whole file", APP_UTILS_2017, None, expect("correct", version="2017–2018")),
    ("2017 week 3, whole file", WEEK3_2017, None, expect("correct")),
    ("2021 week 3, whole file", WEEK3_2021, None, expect("correct")),
    ("2021 week 3 compute_cost", WEEK3_2021, "compute_cost", expect("correct")),
    # ---- the older naming where the file's version is the newer one ----
    ("grads['dA' + str(l)] in a 2019 file", plant(WEEK4_2017, ("from testCases_v3 import *", "from testCases_v4a import *")),
     "L_model_backward", expect(key="dA2", diagnosis="key-naming", version="2019–2025", says=("testCases_v4a", "'dA3'"))),
    # ---- a template assert that fails must not hide the bug ----
    ("2017 assert hides dW transposed", plant(WEEK4_2017, (W4_DW, "    dW = 1. / m * np.dot(A_prev, dZ.T)\n")), "linear_backward",
     expect(key="dW", diagnosis="transposed", says=("assert (dW.shape == W.shape)", "asserts skipped"))),
    ("2017 assert hides db without keepdims", plant(WEEK4_2017, (W4_DB, "    db = 1. / m * np.sum(dZ, axis=1)\n")),
     "L_model_backward", expect(key="db3", diagnosis="shape", says=("keepdims", "assert"))),
    ("2017 assert hides a cost that is not a scalar",
     plant(WEEK4_2017, ("    cost = np.squeeze(cost)\n", "")), "compute_cost",
     expect(key="cost", diagnosis="shape", says=("not a scalar", "np.squeeze", "assert(cost.shape == ())"))),
    # ---- 1/m misplaced within one function, resolved with the rest of the file ----
    ("dW without 1/m, db with it (linear_backward)", plant(WEEK4_2019, (W4_DW, "    dW = np.dot(dZ, A_prev.T)\n")),
     "linear_backward", expect(key="dW", diagnosis="scale", factor="m", context=True,
                               says=("db has it", "L_model_backward", "dW is the one lacking the 1/m"), lacks=("applied twice",))),
    ("dW without 1/m, db with it (linear_activation_backward)", plant(WEEK4_2019, (W4_DW, "    dW = np.dot(dZ, A_prev.T)\n")),
     "linear_activation_backward", expect(key="sigmoid: dW", diagnosis="scale", factor="m", context=True,
                                          says=("dW is the one lacking the 1/m",), lacks=("applied twice",))),
    ("dW without 1/m, db with it (L_model_backward)", plant(WEEK4_2019, (W4_DW, "    dW = np.dot(dZ, A_prev.T)\n")),
     "L_model_backward", expect(key="dW3", diagnosis="scale", factor="m", context=True,
                                says=("the 1/m is missing", "one bug, repeated"), lacks=("may follow",))),
    ("dW without 1/m, linear_backward alone", plant(WEEK4_2019, (W4_DW, "    dW = np.dot(dZ, A_prev.T)\n")),
     "linear_backward", expect(key="dW", diagnosis="scale", factor="m", says=('"loss" convention', "is assumed"))),
    ("db without 1/m, dW with it, in a cost-convention file",
     plant(LOOP_COST, ("dW = dZ @ A_prev.T", "dW = 1 / m * dZ @ A_prev.T")), "L_model_backward",
     expect(key="dW3", diagnosis="scale", factor="1/m")),
    # ---- compute_cost's bugs, named ----
    ("cost: log(AL) for log(1 - AL)", plant(WEEK4_2019, (COST_2019, COST_2019.replace("np.log(1 - AL)", "np.log(AL)"))),
     "compute_cost", expect(key="cost", diagnosis="wrong-input", says=("log(AL) where log(1 - AL) belongs",))),
    ("cost: missing minus", plant(WEEK4_2019, (COST_2019, COST_2019.replace("cost = -1.", "cost = 1."))), "compute_cost",
     expect(key="cost", diagnosis="sign", factor="-1", says=("minus sign is missing",))),
    ("cost: missing 1/m", plant(WEEK4_2019, (COST_2019, COST_2019.replace("-1. / m * ", "-"))), "compute_cost",
     expect(key="cost", diagnosis="scale", factor="m", says=("cost is m × J: the 1/m is missing: J is the mean of the losses",))),
    ("cost: 1/m twice", plant(WEEK4_2019, (COST_2019, COST_2019.replace("np.sum(", "np.mean("))), "compute_cost",
     expect(key="cost", diagnosis="scale", factor="1/m", says=("1/m applied twice",))),
    ("cost: summed over axis 0", plant(WEEK4_2019, (COST_2019, COST_2019.replace("AL)))", "AL)), axis=0)"))), "compute_cost",
     expect(key="cost", diagnosis="shape", says=("axis 0",))),
    ("cost: Y and 1 - Y swapped", plant(WEEK4_2019, (COST_2019, COST_2019.replace("np.multiply(Y, np.log(AL)) + np.multiply(1 - Y,",
                                                                                  "np.multiply(1 - Y, np.log(AL)) + np.multiply(Y,"))),
     "compute_cost", expect(key="cost", diagnosis="wrong-input", says=("swapped",))),
    ("cost: returns np.shape(cost)", plant(WEEK4_2021, ("    cost = np.squeeze(cost)\n    assert(cost.shape == ())\n    return cost\n",
                                                        "    cost = np.squeeze(cost)\n    return np.shape(cost)\n")),
     "compute_cost", expect(key="cost", diagnosis="shape", says=("np.shape(cost)", "not the cost"))),
    ("cost: returns None", plant(WEEK4_2021, ("    assert(cost.shape == ())\n    return cost\n", "")), "compute_cost",
     expect(key="cost", diagnosis="missing-key", says=("returned None",), lacks=("nan",))),
    ("cost: an array (1, 1)",
     plant(WEEK4_2021, ("    cost = np.squeeze(cost)\n    assert(cost.shape == ())\n", "    cost = cost.reshape(1, 1)\n")),
     "compute_cost", expect(key="cost", diagnosis="shape", says=("not a scalar", "np.squeeze"))),
    # ---- products that raise: the formula with its shapes ----
    ("week3 np.dot(dZ1.T, X)", plant(WEEK3_2021, ("np.dot(dZ1, X.T)", "np.dot(dZ1.T, X)")), "backward_propagation",
     expect("error", diagnosis="error", says=("dW1 = dZ1 · Xᵀ: (5, m)(m, 3) → (5, 3)", "`np.dot(dZ1.T, X)` multiplies (m, 5)(3, m)",
                                              "the transpose is on dZ1 where it belongs on X"))),
    ("linear_backward np.dot(dZ, A_prev)", plant(WEEK4_2021, (W4_DW, "    dW = 1. / m * np.dot(dZ, A_prev)\n")), "linear_backward",
     expect("error", diagnosis="error", says=("dW = dZ · A_prevᵀ: (3, m)(m, 4) → (3, 4)", "the transpose of A_prev is missing"))),
    ("linear_backward np.dot(W, dZ)", plant(WEEK4_2021, ("    dA_prev = np.dot(W.T, dZ)\n", "    dA_prev = np.dot(W, dZ)\n")),
     "L_model_backward", expect("error", diagnosis="error", says=("dA2 = W3ᵀ · dZ3: (3, 1)(1, m) → (3, m)", "transpose of W is missing"))),
    ("week3 operands swapped", plant(WEEK3_2021, ("np.dot(dZ2, A1.T)", "np.dot(A1.T, dZ2)")), "backward_propagation",
     expect("error", diagnosis="error", says=("dW2 = dZ2 · A1ᵀ", "operands are swapped"))),
    ("linear_forward np.dot(W.T, A)", plant(WEEK4_2021, ("    Z = np.dot(W, A) + b\n", "    Z = np.dot(W.T, A) + b\n")),
     "L_model_forward", expect("error", diagnosis="error", says=("Z1 = W1 · X: (4, 5)(5, m) → (4, m)", ".T on W does not belong"))),
    # ---- independent bugs, reported independently ----
    ("course 2: dW2 ×2 and db1 ×4 are two bugs",
     plant(COURSE2, ("dW2 = 1. / m * np.dot(dZ2, A1.T)", "dW2 = 1. / m * np.dot(dZ2, A1.T) * 2"),
           ("db1 = 1. / m * np", "db1 = 4. / m * np")),
     "backward_propagation_n", expect(key="dW2", diagnosis="scale", factor="2", says=("2 independent bugs", "db1 is 4 ×"),
                                      lacks=("may follow",))),
    ("week3: dW2 ×2 and db1 ×4 are two bugs", plant(WEEK3_2021, ("dW2 = (1 / m) * np", "dW2 = (2 / m) * np"),
                                                   ("db1 = (1 / m) * np", "db1 = (4 / m) * np")),
     "backward_propagation", expect(key="dW2", diagnosis="scale", factor="2", says=("2 independent bugs",), lacks=("may follow",))),
    ("course 2: dA2 with 1/m, the rest follows", plant(COURSE2, ("dA2 = np.dot(W3.T, dZ3)", "dA2 = 1. / m * np.dot(W3.T, dZ3)")),
     "backward_propagation_n", expect(key="dA2", diagnosis="scale", factor="1/m", says=("computed from dA2",),
                                      lacks=("independent",))),
    ("dAL = AL - Y, then sigmoid_backward",
     plant(WEEK4_2021, ("    dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))\n", "    dAL = AL - Y\n")),
     "L_model_backward", expect(key="dW3", diagnosis="wrong-input", says=("σ' twice",))),
    ("the cache of another layer", plant(WEEK4_2021, ("        current_cache = caches[l]\n", "        current_cache = caches[l + 1]\n")),
     "L_model_backward", expect("error", diagnosis="error", says=("operands of two layers", "(3, 1)(3, m)"))),
    # ---- the value another array should have ----
    ("db1 = np.dot(dZ1, X.T)",
     plant(WEEK3_2021, ("db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)", "db1 = (1 / m) * np.dot(dZ1, X.T)")),
     "backward_propagation", expect(key="db1", diagnosis="wrong-input", says=("db1 holds what dW1 should be",))),
    ("db = dZ A_prevᵀ in linear_backward", plant(WEEK4_2021, (W4_DB, "    db = 1. / m * np.dot(dZ, A_prev.T)\n")), "linear_backward",
     expect(key="db", diagnosis="wrong-input", says=("db holds what dW should be",))),
    # ---- a caches list that contains itself ----
    ("caches.append(caches)", plant(WEEK4_2021, ("        caches.append(cache)\n", "        caches.append(caches)\n")), "L_model_forward",
     expect(key="Z1", diagnosis="missing-key", says=("caches contains itself",), lacks=("RecursionError",))),
]


# ---- auditing a case and grading what the audit said (the tests and benchmarks/audit_accuracy.py) ----------------


def audit_case(folder, source: str, function: str | None, expected: dict, timeout: float = 20):
    """Write the case (and HELPERS) into ``folder``, audit it; (the AuditReport, the FunctionAudits to grade)."""
    import chainrule as cr

    folder = Path(folder)
    for name, text in HELPERS.items():
        (folder / name).write_text(text)
    path = folder / "assignment.py"
    path.write_text(source)
    whole = function is None or expected["context"]
    report = cr.audit(str(path), function=None if whole else function, timeout=timeout)
    return report, (list(report) if function is None else [report[function]])


def grade(report, results: list, expected: dict) -> dict:
    """{"verdict": right verdict(s), "diagnosis": right first key, diagnosis, factor and phrases, "false_alarm", "problems"}."""
    problems = []
    for result in results:
        text = " ".join([result.summary, *(f.message for f in result.findings), *report.notes])
        if result.verdict != expected["verdict"]:
            problems.append(f"{result.function}: verdict {result.verdict}, expected {expected['verdict']}")
            continue
        if expected["verdict"] == "correct":
            if expected["convention"] is not None and result.convention != expected["convention"]:
                problems.append(f"{result.function}: convention {result.convention}, expected {expected['convention']}")
            if not all(f.diagnosis == "ok" for f in result.findings):
                problems.append(f"{result.function}: correct with a finding that is not ok")
        elif expected["verdict"] == "wrong":
            first = result.finding(result.first_wrong)
            if (result.first_wrong, first.diagnosis) != (expected["key"], expected["diagnosis"]):
                problems.append(f"{result.function}: first wrong {result.first_wrong} ({first.diagnosis}), "
                                f"expected {expected['key']} ({expected['diagnosis']})")
            elif expected["factor"] is not None and first.factor != expected["factor"]:
                problems.append(f"{result.function}: factor {first.factor}, expected {expected['factor']}")
        elif expected["verdict"] == "not-audited":
            if result.findings[0].diagnosis != "not-audited":
                problems.append(f"{result.function}: not audited without a not-audited finding")
        elif result.findings[0].diagnosis != "error":
            problems.append(f"{result.function}: error without an error finding")
        if expected["version"] is not None and result.version not in (expected["version"], None):
            problems.append(f"{result.function}: version {result.version}, expected {expected['version']}")
        problems += [f"{result.function}: {phrase!r} not said" for phrase in expected["says"] if phrase not in text]
        problems += [f"{result.function}: {phrase!r} said" for phrase in expected["lacks"] if phrase in text]
    if expected["version"] is not None and not any(r.version == expected["version"] for r in results):
        problems.append(f"no function audited against the {expected['version']} notebooks")
    if expected["verdict"] == "correct" and report.exit_code != 0 and len(results) == len(report):
        problems.append(f"exit code {report.exit_code}")
    verdicts = all(r.verdict == expected["verdict"] for r in results)
    return {"verdict": verdicts, "diagnosis": not problems, "problems": problems,
            "false_alarm": expected["verdict"] == "correct" and not verdicts}
