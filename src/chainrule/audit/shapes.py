"""The matrix products on the line where the learner's code raised, with the shapes of their operands.

Run in the process that runs the learner's code, at the moment of the exception: the line is
parsed, each product in it (``np.dot(a, b)``, ``a @ b``, ``np.matmul(a, b)``, ``a.dot(b)``) is
found and its two operands are evaluated in the failing frame, when they are plain expressions
of names (``dZ1.T``, ``A_prev``, ``np.transpose(X)``, ``caches[l][0]``, ``1 - np.power(A1, 2)``);
nothing that calls the learner's own functions is evaluated. ``diagnose`` turns them into the
formula with its expected shapes.
"""

from __future__ import annotations

import ast
from types import FrameType

import numpy as np

from chainrule.audit.wire import Product, Products, Shape

_SAFE_CALLS = {"transpose", "power", "exp", "tanh", "log", "multiply", "sum", "square", "maximum", "abs", "array",
               "asarray", "reshape", "divide", "subtract", "add"}  # fmt: skip
_SAFE_METHODS = {"T", "transpose", "reshape", "shape", "copy", "astype"}


def _safe(node: ast.AST) -> bool:
    """Only names, constants, arithmetic, subscripts, .T and NumPy's elementwise functions."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            if not (isinstance(func, ast.Attribute) and (func.attr in _SAFE_CALLS or func.attr in _SAFE_METHODS)):
                return False
        elif not isinstance(sub, ast.Name | ast.Constant | ast.Attribute | ast.Subscript | ast.BinOp | ast.UnaryOp | ast.Tuple
                            | ast.Load | ast.operator | ast.unaryop | ast.Slice | ast.keyword):
            return False
    return True


def _operands(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        return node.left, node.right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) >= 1:
        name = node.func.attr
        if name in ("dot", "matmul") and len(node.args) == 2:
            return node.args[0], node.args[1]
        if name == "dot" and len(node.args) == 1:  # a.dot(b)
            return node.func.value, node.args[0]
    return None


def _target(line: str) -> str | None:
    """The assigned name of the line (``dW1``, ``grads["dW" + str(l)]``), or None."""
    try:
        statement = ast.parse(line.strip()).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        return ast.unparse(target.elts[0] if isinstance(target, ast.Tuple) else target)
    if isinstance(statement, ast.AugAssign | ast.AnnAssign):
        return ast.unparse(statement.target)
    return None


def products(frame: FrameType, line: str) -> Products | None:
    """{"target", "products": [{"text", "operands": [(text, shape), (text, shape)]}]} for the line, or None."""
    text = line.strip()
    for candidate in (text, text.split("=", 1)[-1].strip() if "=" in text else text, text.removeprefix("return ").strip()):
        try:
            tree = ast.parse(candidate, mode="eval")
            break
        except SyntaxError:
            continue
    else:
        return None
    found: list[Product] = []
    for node in ast.walk(tree):
        pair = _operands(node)
        if pair is None:
            continue
        shapes: list[tuple[str, Shape | None]] = []
        for operand in pair:
            shape: Shape | None = None
            if _safe(operand):
                try:
                    value = eval(compile(ast.Expression(operand), "<operand>", "eval"), frame.f_globals, dict(frame.f_locals))
                    shape = list(np.shape(value))
                except Exception:  # an operand that cannot be evaluated on its own: its shape stays unknown
                    shape = None
            shapes.append((ast.unparse(operand), shape))
        found.append({"text": ast.unparse(node), "operands": shapes})
    if not found:
        return None
    return {"target": _target(text), "products": found}
