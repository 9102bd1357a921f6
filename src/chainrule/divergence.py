"""Telling a run that diverges from one that trains, from values the training step already computes.

``fit`` hands every epoch's cost J to a ``DivergenceMonitor`` (a few float comparisons) and, at
every evaluation, the parameters (two reductions per array, cheaper than the evaluation's own
forward pass). A run has diverged when

=============  ===================================================================================
non-finite     J is NaN or inf (an overflow somewhere in the forward pass or the cost)
rising         J > 10 · J_ref for ``STREAK`` epochs in a row (or at the last epoch), J_ref the larger
               of the first epoch's J and the cost of an uninformed guess (n[L] log 2 for sigmoid
               outputs, log n[L] for softmax): the cost is far above where it started
saturated      J ≥ 10 % of the clipped loss −log(tiny) (70.8 in float64, 8.7 in float32) for ``STREAK``
               epochs in a row (or at the last epoch): many outputs sit at 0 or 1 on the wrong label,
               where the clipped loss hides how wrong they are
exploded       a parameter is NaN, inf or larger than ``EXPLODED`` in absolute value
=============  ===================================================================================

The cause decides the advice: an output already saturated (or not finite) before any update,
J₀ ≥ 10 × the uninformed cost, points to the initialization (smaller initial weights, standardized
inputs); anything else to the learning rate (a tenth of it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.errors import ChainruleError

if TYPE_CHECKING:
    from numpy.typing import DTypeLike

    from chainrule.training import History

RISE = 10.0  # J above RISE · J_ref is "far above where it started"
SATURATED = 0.1  # J above this fraction of −log(tiny): outputs saturated on the wrong label
STREAK = 5  # epochs in a row a rising or saturated cost must last (a spike is not a divergence)
EXPLODED = 1e8  # |θ| above this: the parameters have exploded


@dataclass(eq=False)  # equality is the Mapping's: the same entries, against a Divergence or a dict
class Divergence(Mapping[str, Any]):
    """Where and how a run diverged, and what to try: one line (``message()``) and a JSON-able dict (``to_dict()``).

    It reads as that dict too (``history.diverged`` was one): ``d["cause"]``, ``"cause" in d``, ``d.get(...)``,
    ``dict(d)``, ``d == d.to_dict()``. ``json.dumps`` takes ``d.to_dict()`` (the stdlib serializes no Mapping).
    """

    epoch: int
    reason: str
    cost: float
    first_cost: float
    cause: str  # "learning_rate" or "initialization"
    suggestion: str
    learning_rate: float
    unit: str = "epoch"  # "iteration" with full batches

    def message(self) -> str:
        return (f"training diverged at {self.unit} {self.epoch} with learning_rate={self.learning_rate:g}: "
                f"{self.reason}; {self.suggestion}")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "message": self.message()}

    def __getitem__(self, key: str) -> Any:
        """The entry ``key`` of ``to_dict()``: ``history.diverged["message"]`` reads as when it was that dict."""
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Divergence:
        """The inverse of ``to_dict`` (its "message" is derived, not read)."""
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


class DivergenceError(ChainruleError):
    """``fit`` stopped because the run diverged; ``divergence`` says where and why, ``history`` what it did until then."""

    def __init__(self, divergence: Divergence, history: History) -> None:
        super().__init__(divergence.message())
        self.divergence, self.history = divergence, history


def uninformed_cost(loss: str, n_y: int) -> float:
    """J of an output that knows nothing: n[L] log 2 (a probability of 1/2 for every sigmoid unit), log n[L] (softmax)."""
    return math.log(n_y) if loss == "categorical_cross_entropy" else n_y * math.log(2)


class DivergenceMonitor:
    """Watches one ``fit`` run: ``cost(epoch, J, α)`` per epoch, ``parameters(epoch, θ, α)`` per evaluation.

    Each returns None while the run is healthy, else the ``Divergence`` to raise.
    """

    def __init__(self, loss: str, n_y: int, dtype: DTypeLike, first_epoch: int, last_epoch: int, full_batch: bool,
                 initialization: str) -> None:  # fmt: skip
        self.uninformed = uninformed_cost(loss, n_y)
        units = 1 if loss == "categorical_cross_entropy" else n_y  # binary: each sigmoid unit's loss is clipped on its own
        self.saturated = SATURATED * units * -math.log(np.finfo(dtype).tiny)
        self.first_epoch, self.last_epoch = first_epoch, last_epoch
        self.unit = "iteration" if full_batch else "epoch"
        self.initialization = initialization
        self.first_cost = self.last_cost = math.nan
        self.calm = -math.inf  # set at the first epoch: J below it is neither rising nor saturated
        self.streak: tuple[int, str, float] | None = None  # (first epoch, kind, J there) of rising / saturated costs

    def _divergence(self, epoch: int, reason: str, J: float, alpha: float) -> Divergence:
        saturated_at_start = not math.isfinite(self.first_cost) or self.first_cost >= RISE * self.uninformed
        if self.first_epoch == 0 and saturated_at_start:  # a resumed run's start is not its initialization
            cause = "initialization"
            suggestion = (f"the output was saturated before any update (J = {self.first_cost:.6g} at {self.unit} 0, an "
                          f"uninformed guess costs {self.uninformed:.4g}): use smaller initial weights than "
                          f"{self.initialization!r} (e.g. 'xavier' or 'scaled_normal') or standardize the inputs")
        else:
            cause = "learning_rate"
            suggestion = f"try a smaller learning rate, e.g. {alpha / 10:g}"
        return Divergence(epoch, reason, float(J), float(self.first_cost), cause, suggestion, float(alpha), self.unit)

    def nonfinite(self, epoch: int, J: float, alpha: float) -> Divergence:
        """The Divergence of a NaN or inf cost (a mini-batch's or the epoch's)."""
        if epoch == self.first_epoch and not math.isfinite(self.first_cost):
            self.first_cost = float(J)
        return self._divergence(epoch, f"the cost became {J}", J, alpha)

    def cost(self, epoch: int, J: float, alpha: float) -> Divergence | None:
        """Epoch ``epoch`` ended with cost J: None, or the Divergence (non-finite, rising or saturated)."""
        if J < self.calm and self.streak is None:  # the healthy path, one comparison a step (False for NaN)
            self.last_cost = J
            return None
        if not math.isfinite(J):
            return self.nonfinite(epoch, J, alpha)
        self.last_cost = J
        if epoch == self.first_epoch:
            self.first_cost = J
        reference = max(self.first_cost, self.uninformed)
        self.calm = min(RISE * reference, self.saturated)  # below both thresholds nothing needs a look
        if J > RISE * reference and epoch > self.first_epoch:
            kind = "rising"
        elif J >= self.saturated:
            kind = "saturated"
        else:
            self.streak = None
            return None
        if self.streak is None or self.streak[1] != kind or (kind == "saturated" and J < 0.5 * self.streak[2]):
            self.streak = (epoch, kind, J)  # a new streak; a saturated cost that halves is recovering: start again
        start = self.streak[0]
        if epoch - start + 1 < STREAK and epoch + 1 != self.last_epoch:
            return None
        span = f"from {self.unit} {start} to {epoch}" if epoch > start else f"at {self.unit} {epoch}, the last"
        if kind == "rising":
            reason = (f"the cost rose from {self.first_cost:.6g} to {J:.6g}, more than {RISE:g} times where it started, "
                      f"and stayed there ({span})")
        else:
            reason = (f"the cost stayed at or above {self.saturated:.4g}, {100 * SATURATED:g} % of the clipped loss −log(tiny) "
                      f"({span}, now {J:.6g}): the outputs are saturated at 0 or 1 on the wrong label")
        return self._divergence(start, reason, J, alpha)

    def parameters(self, epoch: int, parameters: dict[str, np.ndarray], alpha: float) -> Divergence | None:
        """None when every parameter is finite and at most EXPLODED in absolute value, else the Divergence."""
        for key, value in parameters.items():
            high, low = value.max(), value.min()
            if not (-EXPLODED <= low and high <= EXPLODED):  # also False for NaN
                worst = high if not np.isfinite(high) or abs(high) >= abs(low) else low
                return self._divergence(epoch, f"the parameters exploded: {key} holds {worst:.3g}", self.last_cost, alpha)
        return None
