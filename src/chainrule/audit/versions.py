"""The course's notebook versions, and which one a learner's file follows.

The week-4 notebook changed how ``L_model_backward`` names dA[l-1] in ``grads``:

    2017–2018 (testCases_v3, dnn_app_utils_v2):     grads["dA" + str(l)] = dA_prev of layer l  (dA3, dA2, dA1 for L = 3)
    2019–2025 (testCases_v4/v4a, dnn_app_utils_v3, public_tests):  grads["dA" + str(l - 1)]   (dA2, dA1, dA0)

The arrays are the same; only the keys differ. A file follows the version of the course modules
it imports when one of them says (``versions_imported``; ``testCases``, ``testCases_v2``, week 3's
until 2020, and ``dnn_utils_v2`` name none: more than one version imported them); otherwise the keys it returns say
(``functions.FunctionSpec.namings``). The older templates also carry lines such as
``assert (dW.shape == W.shape)`` and ``assert (isinstance(cost, float))``: when one of them
fails, the audit reads the values with the asserts skipped (``chainrule.audit.audit``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OLDER, CURRENT = "2017–2018", "2019–2025"


@dataclass(frozen=True)
class Version:
    """One version of the course's notebooks: its name and the course modules only it imports."""

    name: str
    modules: tuple[str, ...]
    naming: str  # how L_model_backward names dA[l-1]


VERSIONS = (
    Version(OLDER, ("testCases_v3", "dnn_app_utils_v2"),
            'grads["dA" + str(l)] holds the dA_prev of layer l (dA3, dA2, dA1 for L = 3)'),
    Version(CURRENT, ("testCases_v4", "testCases_v4a", "dnn_app_utils_v3", "public_tests"),
            'grads["dA" + str(l - 1)] holds the dA_prev of layer l (dA2, dA1, dA0 for L = 3)'),
)  # fmt: skip
BY_NAME = {v.name: v for v in VERSIONS}

# `from testCases_v4a import *`, `import public_tests`, also inside a notebook's JSON ("from dnn_app_utils_v3 import *\n")
_IMPORT = re.compile(r'(?:^|\\n|")[ \t]*(?:from|import)[ \t]+([A-Za-z_][A-Za-z0-9_]*)', re.MULTILINE)


def versions_imported(text: str) -> dict[str, list[str]]:
    """{version name: the modules of that version the text imports}, for the versions it imports any of."""
    imported = set(_IMPORT.findall(text))
    found = {}
    for version in VERSIONS:
        modules = [m for m in version.modules if m in imported]
        if modules:
            found[version.name] = modules
    return found


def file_version(text: str) -> tuple[str, str] | None:
    """(version name, the evidence in words) when the imports name exactly one version, else None."""
    found = versions_imported(text)
    if len(found) != 1:
        return None
    (name, modules), = found.items()
    return name, f"it imports {', '.join(modules)}"


def version_note(audits: list, text: str) -> str | None:
    """One line for the report: which notebook version's conventions the file follows, and why."""
    by_file = file_version(text)
    named = sorted({a.version for a in audits if a.version})
    if by_file:
        name, evidence = by_file
        return f"The file follows the {name} notebooks ({evidence}): {BY_NAME[name].naming}; it was audited against them."
    if named:
        name = named[0]
        return (f"The file follows the {name} notebooks' conventions (from the keys its L_model_backward returns): "
                f"{BY_NAME[name].naming}; it was audited against them.")
    return None
