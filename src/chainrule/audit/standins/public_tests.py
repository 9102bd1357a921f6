"""Stand-in for the course's public_tests (course 1 week 4, 2021+): each ``<function>_test(target)`` checks a learner's function.

It calls ``target`` on the course's test case (``_test_cases``) and compares every returned array
with chainrule's course function (``chainrule.course.week4``) on the same arguments; it prints
"All tests passed." or raises AssertionError naming the first wrong array.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.audit.standins import _test_cases as cases
from chainrule.audit.standins._common import missing
from chainrule.course import week4


def _compare(name: str, value: Any, expected: Any, where: str = "the output") -> None:
    if isinstance(expected, dict):
        if not isinstance(value, dict):
            raise AssertionError(f"{name}: {where} should be a dict; got {type(value).__name__}")
        for key, item in expected.items():
            if key not in value:
                raise AssertionError(f"{name}: {key} is missing from {where}")
            _compare(name, value[key], item, key)
    elif isinstance(expected, tuple | list):
        if not isinstance(value, tuple | list) or len(value) != len(expected):
            raise AssertionError(f"{name}: {where} should be a tuple of {len(expected)}; got {type(value).__name__}")
        for i, (item, want) in enumerate(zip(value, expected, strict=True)):
            _compare(name, item, want, f"{where}[{i}]")
    else:
        got, want = np.asarray(value), np.asarray(expected)
        if got.shape != want.shape:
            raise AssertionError(f"{name}: Wrong shape of {where}: {got.shape}, expected {want.shape}")
        if not np.allclose(got, want, rtol=1e-7, atol=1e-12):
            raise AssertionError(f"{name}: Wrong output for {where}")


def _test(name: str, case: Callable[[], tuple], reference: Callable[..., Any], reorder: Callable[[tuple], tuple] = tuple,
          extra: tuple = ()) -> Callable[[Callable[..., Any]], None]:
    def test(target: Callable[..., Any]) -> None:
        for tail in extra or ((),):
            args = reorder(case()) + tail
            _compare(name, target(*copy.deepcopy(args)), reference(*args))
        print("\033[92m All tests passed.")

    test.__name__ = f"{name}_test"
    return test


initialize_parameters_test = _test("initialize_parameters", lambda: (3, 2, 1), week4.initialize_parameters)
initialize_parameters_deep_test = _test("initialize_parameters_deep", lambda: ([5, 4, 3],), week4.initialize_parameters_deep)
linear_forward_test = _test("linear_forward", cases.linear_forward_test_case, week4.linear_forward)
linear_activation_forward_test = _test("linear_activation_forward", cases.linear_activation_forward_test_case,
                                       week4.linear_activation_forward, extra=(("sigmoid",), ("relu",)))
L_model_forward_test = _test("L_model_forward", cases.L_model_forward_test_case_2hidden, week4.L_model_forward)
compute_cost_test = _test("compute_cost", cases.compute_cost_test_case, week4.compute_cost, lambda c: (c[1], c[0]))
linear_backward_test = _test("linear_backward", cases.linear_backward_test_case, week4.linear_backward)
linear_activation_backward_test = _test("linear_activation_backward", cases.linear_activation_backward_test_case,
                                        week4.linear_activation_backward, extra=(("sigmoid",), ("relu",)))
L_model_backward_test = _test("L_model_backward", cases.L_model_backward_test_case, week4.L_model_backward)
update_parameters_test = _test("update_parameters", cases.update_parameters_test_case, week4.update_parameters, extra=((0.1,),))

__all__ = [name for name in dir() if name.endswith("_test")]
__getattr__ = missing(__name__)
