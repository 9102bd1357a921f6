"""The training targets, measured: each line says what was run, the figure, and whether it meets its target.

    python benchmarks/training_targets.py [--data-dir ../shared/data/catvnoncat]

Runs in a few minutes on two cores (the cat network is the slowest part). Exit code 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

import chainrule as cr
from chainrule.course import initialization, optimization
from chainrule.datasets import load_dataset

RESULTS: list[tuple[str, str, bool]] = []


def report(name: str, figure: str, ok: bool) -> None:
    RESULTS.append((name, figure, ok))
    print(f"{'PASS' if ok else 'MISS'}  {name}: {figure}", flush=True)


def cat(data_dir: str) -> None:
    data = load_dataset("cat", data_dir=data_dir).standardized()
    net = cr.Network([12288, 20, 7, 5, 1], ["relu", "sigmoid"], initialization="course_app", rng=np.random.RandomState(1))
    net.fit(*data.split("train"), learning_rate=0.0075, num_iterations=2500)
    train, test = net.accuracy(*data.split("train")), net.accuracy(*data.split("test"))
    report("cat, 12288-20-7-5-1, course init, 2500 iterations (target 98.56 % / 80 %)",
           f"train {100 * train:.2f} %, test {100 * test:.2f} %", round(train, 4) == 0.9856 and test == 0.8)


def digits() -> None:
    data = load_dataset("digits").standardized()
    net = cr.Network([64, 64, 10], ["relu", "softmax"], seed=0)
    net.fit(*data.split("train"), learning_rate=0.001, epochs=100, batch_size=64, optimizer="adam", validation_data=data.split("val"))
    test = net.accuracy(*data.split("test"))
    report("digits, 64-64-10 softmax, Adam α=0.001, batches of 64, 100 epochs (target >= 97 % test)",
           f"test {100 * test:.2f} % (train {100 * net.accuracy(*data.split('train')):.2f} %)", test >= 0.97)


def breast_cancer() -> None:
    data = load_dataset("breast_cancer").standardized()
    net = cr.Network([30, 16, 8, 1], ["relu", "sigmoid"], seed=0)
    net.fit(*data.split("train"), learning_rate=0.001, epochs=200, batch_size=32, optimizer="adam", lambd=1.0)
    test = net.accuracy(*data.split("test"))
    report("breast cancer, 30-16-8-1, Adam α=0.001, batches of 32, λ=1, 200 epochs (target >= 97 % test)",
           f"test {100 * test:.2f} % (train {100 * net.accuracy(*data.split('train')):.2f} %)", test >= 0.97)


def circles() -> None:
    train_X, train_Y, test_X, test_Y = initialization.load_dataset()
    accuracy = {}
    for name in ("zeros", "he"):
        parameters = initialization.model(train_X, train_Y, initialization=name, print_cost=False)
        net = cr.Network.from_parameters(parameters, initialization.ACTIVATIONS)
        accuracy[name] = (net.accuracy(train_X, train_Y), net.accuracy(test_X, test_Y))
    report("circles, zero initialization, 15000 iterations (target 50 %)",
           f"train {100 * accuracy['zeros'][0]:.2f} %, test {100 * accuracy['zeros'][1]:.2f} %", accuracy["zeros"] == (0.5, 0.5))
    report("circles, He initialization, 15000 iterations (target >= 95 % test)",
           f"train {100 * accuracy['he'][0]:.2f} %, test {100 * accuracy['he'][1]:.2f} %", accuracy["he"][1] >= 0.95)


def moons() -> None:
    X, Y = optimization.load_dataset()
    accuracy = {}
    for name in ("gd", "momentum", "adam"):
        parameters = optimization.model(X, Y, [2, 5, 2, 1], name, num_epochs=5000, print_cost=False)
        accuracy[name] = cr.Network.from_parameters(parameters, ["relu", "sigmoid"]).accuracy(X, Y)
    report("moons, 2-5-2-1, batches of 64, α=0.0007, 5000 epochs: Adam beats mini-batch GD",
           ", ".join(f"{k} {100 * v:.2f} %" for k, v in accuracy.items()), accuracy["adam"] > accuracy["gd"])


SAVE_LOOP = """
import sys
import chainrule as cr
net = cr.Network([1500, 800, 1], ["relu", "sigmoid"], seed=0)
i = 0
while True:
    i += 1
    net.metadata = {"save": i}
    net.save(sys.argv[1])
    print(i, flush=True)
"""


def crashes(kills: int = 20) -> None:
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "checkpoint.npz")
    loadable = mid_save = 0
    rng = np.random.default_rng(0)
    for _ in range(kills):
        process = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, path], stdout=subprocess.PIPE, text=True)
        process.stdout.readline()
        process.stdout.readline()
        time.sleep(float(rng.uniform(0, 0.05)))
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        leftovers = [name for name in os.listdir(folder) if name.endswith(".tmp")]
        mid_save += bool(leftovers)
        for name in leftovers:
            os.unlink(os.path.join(folder, name))
        try:
            loadable += cr.Network.load(path).metadata["save"] >= 2
        except cr.ChainruleError:
            pass
    report(f"SIGKILL during a save loop, {kills} kills", f"{mid_save} landed mid-save; previous checkpoint loadable {loadable}/{kills}",
           loadable == kills)
    data = open(path, "rb").read()
    refused = 0
    middle = len(data) // 2
    flipped = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:]
    for damaged in (data[:middle], data[:-1], flipped):
        with open(path, "wb") as file:
            file.write(damaged)
        try:
            cr.Network.load(path)
        except cr.ChainruleError as error:
            refused += 1
            message = str(error)
    report("truncated (half, one byte short) and altered (one bit) files", f"{refused}/3 refused, e.g. {message[:110]}…", refused == 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "catvnoncat"))
    args = parser.parse_args()
    started = time.perf_counter()
    for target in (digits, breast_cancer, circles, moons, crashes):
        target()
    if os.path.isfile(os.path.join(args.data_dir, "train_catvnoncat.h5")):
        cat(args.data_dir)
    else:
        print(f"skipped the cat target: no data in {args.data_dir}")
    print(f"{sum(ok for *_, ok in RESULTS)}/{len(RESULTS)} targets met in {time.perf_counter() - started:.0f} s")
    sys.exit(0 if all(ok for *_, ok in RESULTS) else 1)


if __name__ == "__main__":
    main()
