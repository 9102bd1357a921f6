"""``chainrule predict MODEL INPUT.csv``: the class of every row of a CSV, with its probability."""

from __future__ import annotations

import csv
import sys

import numpy as np
import typer

from chainrule.cli.common import user_errors
from chainrule.cli.modeldata import read_inputs
from chainrule.cli.root import app
from chainrule.network import Network


@app.command()
def predict(
    model: str = typer.Argument(..., help="A model saved by chainrule train --out."),
    inputs: str = typer.Argument(..., help="CSV with a header row: one example per row (a label column is ignored)."),
) -> None:
    """Print CSV to stdout: row, predicted class, its probability (the model's normalization is applied)."""
    with user_errors():
        net = Network.load(model)
        X = read_inputs(net, inputs)
        AL = net.predict_proba(X)
        predicted = net.predict(X)[0]
        probability = AL[predicted, np.arange(AL.shape[1])] if net.multiclass else np.where(predicted == 1, AL[0], 1 - AL[0])
        classes = net.metadata.get("classes") or [str(k) for k in range(max(2, net.n_y))]
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["row", "prediction", "probability"])
        for i, (k, p) in enumerate(zip(predicted, probability, strict=True)):
            writer.writerow([i, classes[k], f"{p:.6f}"])
