"""Planted bugs for the audit: correct course functions, and copies with one bug each.

Each entry of PLANTED is (id, source, function, expected): the source is written to a file and
audited; ``expected`` holds the verdict, the convention, the first wrong key, its diagnosis and
factor, and phrases the summary must contain.
"""

from __future__ import annotations

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
        source = source.replace(old, new)
    return source


def expect(verdict="wrong", key=None, diagnosis=None, factor=None, convention=None, says=()):
    return {"verdict": verdict, "key": key, "diagnosis": diagnosis, "factor": factor, "convention": convention, "says": says}


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
     expect(key="dW3", diagnosis="sign", factor="-1")),
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
     "backward_propagation_n", expect(key="dW2", diagnosis="scale", factor="2")),
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
