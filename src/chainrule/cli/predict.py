"""``chainrule predict MODEL INPUT.csv``: the class of every row of a CSV, with its probability."""

from __future__ import annotations

import csv
import sys

import typer

from chainrule import runs
from chainrule.cli.common import user_errors
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
        rows = runs.predict_rows(net, runs.read_inputs(net, inputs))
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["row", "prediction", "probability"])
        for i, name, p in rows:
            writer.writerow([i, name, f"{p:.6f}"])
