"""The playground's server: its runs are chainrule train's, its views chainrule's own arrays, every message checked.

The Session is what the WebSocket handlers call; the protocol tests drive the real Starlette app
through its TestClient (no browser: tests/test_playground_browser.py has those).
"""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from chainrule.datasets import load_dataset
from chainrule.errors import ChainruleError
from chainrule.network import Network
from chainrule.playground import limits
from chainrule.playground.session import CURVE_POINTS, GRID, UNIT_GRID, CostCurve, Session

starlette = pytest.importorskip("starlette", reason="the playground's extra chainrule[playground] is not installed")
from starlette.testclient import TestClient  # noqa: E402

from chainrule.playground.app import create_app  # noqa: E402


def floats(text: str, shape) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(shape)


# -- the run is chainrule train's ---------------------------------------------------------------------
def test_default_run_is_the_course_flower_network_with_its_initial_weights():
    session = Session()
    assert session.net.layer_dims == [2, 4, 1] and session.net.activations == ["tanh", "sigmoid"]
    assert session.m == 400 and session.test is None
    course = Network([2, 4, 1], ["tanh", "sigmoid"], initialization="scaled_normal", rng=np.random.RandomState(2))
    for key, value in course.parameters.items():
        np.testing.assert_array_equal(session.net.parameters[key], value, err_msg=key)
    X, Y = load_dataset("flower").split("train")
    np.testing.assert_array_equal(session.train[0], X)
    np.testing.assert_array_equal(session.train[1], Y)


def test_frames_of_training_are_one_fit_call():
    """Epochs run in chunks of unequal size, as the frames run them, are bit for bit the run of one fit call (the run
    chainrule train makes; tests/test_network.py sees it end at the course's 90.75 %)."""
    session = Session()
    for epochs in (1, 99, 400, 500):
        session.run(epochs)
    assert session.epoch == 1000
    reference = Network([2, 4, 1], ["tanh", "sigmoid"], initialization="scaled_normal", rng=np.random.RandomState(2))
    history = reference.fit(*session.train, learning_rate=1.2, epochs=1000)
    for key, value in reference.parameters.items():
        np.testing.assert_array_equal(session.net.parameters[key], value, err_msg=key)
    assert session.last["cost"] == history.costs[-1]


def test_exported_python_lines_rebuild_the_same_network():
    config = {"dataset": "moons", "noise": 0.3, "m": 120, "test_fraction": 0.25, "hidden": [5, 3],
              "activations": ["relu", "tanh", "sigmoid"], "initialization": "he", "learning_rate": 0.01, "optimizer": "adam",
              "batch_size": 32, "lambd": 0.1, "keep_prob": 0.8, "seed": 7}  # fmt: skip
    session = Session(config)
    session.run(30)
    session.run(11)
    namespace: dict = {}
    exec(session.python(), namespace)  # the lines the page shows under "export"
    rebuilt = namespace["net"]
    assert rebuilt.layer_dims == [2, 5, 3, 1]
    for key, value in session.net.parameters.items():
        np.testing.assert_array_equal(rebuilt.parameters[key], value, err_msg=key)
    assert session.m == 90 and session.test[0].shape == (2, 30)


def test_exported_model_loads_with_its_weights_and_the_run_options(tmp_path):
    session = Session()
    session.run(25)
    exported = session.export()
    path = tmp_path / exported["filename"]
    path.write_bytes(base64.b64decode(exported["model"]))
    net = Network.load(str(path))
    for key, value in session.net.parameters.items():
        np.testing.assert_array_equal(net.parameters[key], value, err_msg=key)
    assert net.metadata["train_options"]["dataset"] == "flower" and net.training_state["epoch"] == 25


# -- the arrays of a layer, both conventions --------------------------------------------------------------
@pytest.mark.parametrize("layer", [1, 2])
def test_layer_view_holds_the_networks_own_arrays_with_shapes_and_derivatives(layer):
    session = Session()
    session.run(50)
    view = session.layer(layer, "loss")
    X, Y = session.train
    _, caches = session.net.forward(X)
    grads = session.net.backward(Y, caches, convention="loss")
    arrays = {a["key"]: a for a in view["arrays"]}
    n, n_prev = session.net.layer_dims[layer], session.net.layer_dims[layer - 1]
    expected = {f"W{layer}": (n, n_prev), f"b{layer}": (n, 1), f"A{layer - 1}": (n_prev, 400), f"Z{layer}": (n, 400),
                f"A{layer}": (n, 400), f"dZ{layer}": (n, 400), f"dW{layer}": (n, n_prev), f"db{layer}": (n, 1),
                f"dA{layer - 1}": (n_prev, 400)}  # fmt: skip
    assert {k: tuple(a["shape"]) for k, a in arrays.items()} == expected
    for key in (f"dZ{layer}", f"dW{layer}", f"db{layer}", f"dA{layer - 1}"):
        np.testing.assert_array_equal(floats(arrays[key]["values"], expected[key]), grads[key], err_msg=key)
    np.testing.assert_array_equal(floats(arrays[f"Z{layer}"]["values"], (n, 400)), caches[layer - 1][1])
    assert arrays[f"dZ{layer}"]["what"] == f"∂L/∂Z[{layer}]" and arrays[f"dW{layer}"]["what"] == f"∂J/∂W[{layer}]"


def test_convention_switch_changes_dZ_and_dA_by_exactly_m_and_not_dW_db():
    session = Session()
    session.run(200)
    loss = {a["key"]: a for a in session.layer(1, "loss")["arrays"]}
    cost = {a["key"]: a for a in session.layer(1, "cost")["arrays"]}
    assert cost["dZ1"]["what"] == "∂J/∂Z[1]" and cost["dA0"]["what"] == "∂J/∂A[0]"
    for key, factor in (("dZ1", 400), ("dA0", 400), ("dW1", 1), ("db1", 1)):
        shape = loss[key]["shape"]
        np.testing.assert_allclose(floats(loss[key]["values"], shape), factor * floats(cost[key]["values"], shape), rtol=1e-12, atol=0,
                                   err_msg=key)  # fmt: skip
        assert loss[key]["expected_ratio"] == factor
        assert abs(loss[key]["ratio"] - factor) <= 1e-10 * factor and loss[key]["rel_deviation"] <= 1e-12
    assert session.conventions()["identities_hold"]


def test_explain_view_is_chainrule_explain_with_this_batchs_numbers():
    session = Session({"hidden": [3, 2], "activations": ["relu", "tanh", "sigmoid"], "seed": 1})
    view = session.explain("cost")
    keys = [eq["key"] for eq in view["backward"]]
    assert keys == ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0"]
    first = view["backward"][0]
    assert first["derivative_of"] == "∂J/∂Z[3]" and "frac{1}{m}" in first["latex"] and first["shape"] == [1, 400]
    for eq in view["forward"] + view["backward"]:
        for operand in eq["operands"]:
            shape = operand["shape"][::-1] if operand["transposed"] else operand["shape"]
            assert view["values"][operand["key"]]["shape"] == shape, (eq["key"], operand)
        if eq["key"] != "J":
            assert view["values"][eq["key"]]["shape"] == eq["shape"], eq["key"]


def test_gradcheck_of_the_current_weights_passes_per_tensor():
    session = Session()
    session.run(100)
    report = session.gradcheck("loss")
    assert report["passed"] and {row["key"] for row in report["rows"]} >= {"dW1", "db1", "dW2", "db2", "dZ1", "dA0"}
    assert report["title"].startswith("Gradient check")


CORRECT = '''
import numpy as np

def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
'''


def test_audit_of_a_pasted_file_goes_through_chainrule_audit():
    session = Session()
    good = session.audit("mine.py", CORRECT)
    assert good["correct"] and good["functions"][0]["function"] == "linear_backward"
    bad = session.audit("mine.py", CORRECT.replace("np.dot(dZ, A_prev.T)", "np.dot(A_prev, dZ.T)"))
    assert not bad["correct"] and bad["headline"].endswith("1 wrong")
    finding = next(f for f in bad["functions"][0]["findings"] if f["key"] == "dW")
    assert finding["diagnosis"] == "transposed"


@pytest.mark.parametrize(("filename", "source", "message"), [
    ("../evil.py", "x = 1", "filename must be a name ending in .py"),
    ("notes.txt", "x = 1", "filename must be a name ending in .py"),
    ("mine.py", "", "source must be the file's text"),
    ("mine.py", 12, "source must be the file's text"),
    ("mine.py", "#" * (limits.MAX_SOURCE_BYTES + 1), "at most 512 KiB"),
    ("mine.py", "x = 1\n", "mine.py defines none of the audited functions"),
    ("mine.py", "def f(:\n", "mine.py is not valid Python"),
])  # fmt: skip
def test_audit_refuses_bad_uploads(filename, source, message):
    with pytest.raises(ChainruleError, match=re.escape(message)):
        Session().audit(filename, source)


# -- data ---------------------------------------------------------------------------------------------------
def test_csv_upload_is_read_split_and_standardized_like_chainrule_train():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2)) * [3.0, 0.5] + [10.0, -2.0]
    text = "x1,x2,label\n" + "".join(f"{a},{b},{int(a > 10)}\n" for a, b in X)
    session = Session({"dataset": "csv", "csv": text, "test_fraction": 0.2, "hidden": [3], "activations": ["tanh", "sigmoid"]})
    assert session.m == 48 and session.test[0].shape == (2, 12)
    np.testing.assert_allclose(session.train[0].mean(axis=1), 0, atol=1e-12)
    session.run(5)


@pytest.mark.parametrize(("text", "message"), [
    ("x1,x2,x3,label\n" + "1,2,3,0\n4,5,6,1\n" * 15, "2 feature columns and 2 classes"),
    ("x1,x2,label\n" + "1,2,0\n4,5,1\n6,7,2\n" * 10, "2 feature columns and 2 classes"),
    ("x1,x2,label\n1,2,0\n3,4,1\n", "20 to 2000 rows"),
    ("x1,x2,y\n1,2,0\n", "no label column 'label'"),
    ("x1,x2,label\n1,oops,0\n", "is not a number"),
])  # fmt: skip
def test_bad_csv_uploads_are_refused_with_one_line(text, message):
    with pytest.raises(ChainruleError, match=re.escape(message)) as error:
        Session({"dataset": "csv", "csv": text})
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("name", ["spiral", "xor"])
def test_spiral_and_xor_are_balanced_planar_sets(name):
    data = load_dataset(name)
    X, Y = data.split("train")
    assert X.shape == (2, 400) and set(np.unique(Y)) == {0.0, 1.0} and abs(Y.mean() - 0.5) < 0.1
    np.testing.assert_array_equal(load_dataset(name).X_train, X)  # seeded


def test_frame_planes_and_cost_curve():
    session = Session({"test_fraction": 0.5})
    session.run(10)
    frame = session.frame()
    assert len(base64.b64decode(frame["boundary"])) == GRID * GRID
    assert [len(u["planes"]) for u in frame["units"]] == [4, 1]
    assert all(len(base64.b64decode(p)) == UNIT_GRID**2 for u in frame["units"] for p in u["planes"])
    assert frame["epoch"] == 10 and frame["test_cost"] is not None and frame["curve"][-1][0] == 10


def test_cost_curve_memory_is_bounded_and_keeps_both_ends():
    curve = CostCurve()
    for epoch in range(20_000):
        curve.add(epoch, 1.0 / (epoch + 1), None)
    assert len(curve.points) <= CURVE_POINTS + 1
    assert curve.points[0][0] == 0 and curve.points[-1][0] == 19_999
    epochs = [p[0] for p in curve.points]
    assert epochs == sorted(epochs)


def test_work_per_frame_is_capped_for_large_networks():
    big = Session({"dataset": "spiral", "m": 2000, "hidden": [8] * 6, "activations": ["relu"] * 6 + ["sigmoid"]})
    assert big.epochs_for(100) < 100
    per_epoch = 2000 * sum(a * b for a, b in zip(big.net.layer_dims[1:], big.net.layer_dims[:-1], strict=True))
    assert big.epochs_for(100) * per_epoch <= limits.WORK_PER_FRAME
    assert Session().epochs_for(100) == 100


# -- every message checked ---------------------------------------------------------------------------------
BAD_CONFIGS = [
    ({"dataset": "cat"}, "dataset must be one of flower"),
    ({"hidden": [4] * 7}, "at most 6 layer sizes"),
    ({"hidden": [4, 9]}, "hidden[1] must be an integer from 1 to 8 (the units of layer 2); got 9"),
    ({"hidden": [0]}, "from 1 to 8"),
    ({"hidden": [2.5]}, "from 1 to 8"),
    ({"hidden": "4"}, "hidden must be a list"),
    ({"hidden": [4], "activations": ["tanh"]}, "activations must be a list of 2 names"),
    ({"activations": ["softmax", "sigmoid"]}, "the activation of layer 1 must be one of"),
    ({"activations": ["tanh", "relu"]}, "the output activation must be one of sigmoid"),
    ({"learning_rate": 0}, "learning_rate must be in (0, 10]"),
    ({"learning_rate": -1}, "learning_rate must be in (0, 10]"),
    ({"learning_rate": "fast"}, "learning_rate must be in (0, 10]; got 'fast'"),
    ({"learning_rate": True}, "learning_rate must be in (0, 10]; got True"),
    ({"learning_rate": 1e9}, "learning_rate must be in (0, 10]"),
    ({"m": 5000}, "m must be an integer from 20 to 2000"),
    ({"m": 10}, "m must be an integer from 20 to 2000 (or null); got 10"),
    ({"m": "x" * 1000}, "m must be an integer from 20 to 2000 (or null); got 'xxxx"),
    ({"noise": 5}, "noise must be in [0, 2]"),
    ({"dataset": "blobs", "noise": 0.3}, "has no noise setting"),
    ({"test_fraction": 0.95}, "test_fraction must be in [0, 0.9]"),
    ({"batch_size": 0}, "batch_size must be an integer from 1 to 2000"),
    ({"keep_prob": 0}, "keep_prob must be in (0, 1]"),
    ({"lambd": -0.1}, "lambd must be in [0, 10]"),
    ({"optimizer": "sgd"}, "optimizer must be one of gd"),
    ({"initialization": "ones"}, "initialization must be one of"),
    ({"seed": -1}, "seed must be an integer from 0"),
    ({"dataset": "csv"}, "dataset csv needs the file's text"),
    ({"dataset": "csv", "csv": "x" * (limits.MAX_CSV_BYTES + 1)}, "at most 256 KiB"),
    ({"csv": "x1,x2,label\n"}, "csv is only for dataset csv"),
    ({"layers": [2, 4, 1]}, "unknown config field(s) layers"),
    ([1, 2], "config must be a JSON object"),
]


@pytest.mark.parametrize(("config", "message"), BAD_CONFIGS)
def test_bad_configs_are_refused_with_one_line(config, message):
    with pytest.raises(ChainruleError, match=re.escape(message)) as error:
        limits.parse_config(config)
    assert "\n" not in str(error.value) and len(str(error.value)) < 200  # a long value is quoted cut short


def test_numbers_may_be_numpy_scalars_as_everywhere_in_chainrule():
    config = limits.parse_config({"m": np.int64(200), "hidden": [np.int32(3)], "learning_rate": np.float32(0.5)})
    assert (config.m, config.hidden, config.learning_rate) == (200, [3], 0.5)
    assert type(config.m) is int and type(config.hidden[0]) is int and type(config.learning_rate) is float


WS = "ws://127.0.0.1:8765/ws"  # the TestClient's own host name, testserver, is not one the server answers


@pytest.fixture
def client():
    with TestClient(create_app(), base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def receive(ws, type_: str, limit: int = 50) -> dict:
    """The next message of ``type_`` (frames of a running training may come first)."""
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == type_:
            return message
        if message["type"] == "frame":
            ws.send_json({"type": "drawn"})
    raise AssertionError(f"no {type_} message in {limit}")


def test_http_routes_serve_the_page_its_files_and_the_limits(client):
    page = client.get("/")
    assert page.status_code == 200 and "chainrule" in page.text and "katex.min.js" in page.text
    for path in ("/static/app.js", "/static/style.css", "/static/vendor/katex/katex.min.js", "/static/vendor/katex/katex.min.css",
                 "/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2", "/static/vendor/NOTICE"):  # fmt: skip
        assert client.get(path).status_code == 200, path
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    info = client.get("/api/limits").json()
    assert info["max_units"] == limits.MAX_UNITS and info["default"]["hidden"] == [4]
    assert client.get("/static/../session.py").status_code == 404


def test_websocket_configure_step_play_pause_and_every_view(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "configure", "config": {}, "id": 1})
        run = ws.receive_json()
        assert run["type"] == "run" and run["id"] == 1 and run["layer_dims"] == [2, 4, 1] and run["m"] == 400
        assert len(run["points"]["train"]["x"]) == 400
        assert ws.receive_json()["epoch"] == 0
        ws.send_json({"type": "step"})
        assert ws.receive_json()["epoch"] == 1
        ws.send_json({"type": "drawn"})
        ws.send_json({"type": "play", "epochs_per_frame": 5})
        epochs = []
        for _ in range(4):
            frame = receive(ws, "frame")
            epochs.append(frame["epoch"])
            ws.send_json({"type": "drawn"})
        steps = np.diff([1, *epochs])
        assert (steps >= 1).all() and (steps <= 5).all(), epochs  # at most epochs_per_frame a frame, fewer when time is short
        ws.send_json({"type": "pause"})
        paused = receive(ws, "frame")
        for request in ({"type": "layer", "layer": 1, "convention": "cost"}, {"type": "explain", "convention": "loss"},
                        {"type": "conventions"}, {"type": "gradcheck"}, {"type": "export"}):  # fmt: skip
            ws.send_json({**request, "id": request["type"]})
            reply = receive(ws, request["type"])
            assert reply["id"] == request["type"]
        ws.send_json({"type": "step"})
        assert receive(ws, "frame")["epoch"] == paused["epoch"] + 1
        ws.send_json({"type": "reset"})
        assert receive(ws, "frame")["epoch"] == 0


def test_a_page_that_stops_drawing_stops_the_training(client):
    """At most two frames wait unacknowledged: no drawn, no more epochs (and no growing send buffer)."""
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "configure", "config": {}})
        ws.receive_json(), ws.receive_json()  # run, frame (never acknowledged)
        ws.send_json({"type": "play", "epochs_per_frame": 3})
        first = ws.receive_json()
        time.sleep(0.3)
        ws.send_json({"type": "pause"})
        last = ws.receive_json()
        assert first["type"] == last["type"] == "frame" and last["epoch"] == first["epoch"] == 3


BAD_MESSAGES = [
    ("not json", "invalid JSON"),
    ("[1, 2]", 'a JSON object with a "type"'),
    ('{"kind": "play"}', 'a JSON object with a "type"'),
    ('{"type": "launch"}', "unknown message type 'launch'"),
    ('{"type": "layer", "layer": 3}', "layer must be an integer from 1 to 2 (one of the network's L = 2 layers); got 3"),
    ('{"type": "layer", "layer": "1"}', "layer must be an integer from 1 to 2 (one of the network's L = 2 layers); got '1'"),
    ('{"type": "layer", "layer": 1, "convention": "mean"}', "convention must be one of loss, cost"),
    ('{"type": "play", "epochs_per_frame": 1000}', "epochs_per_frame must be an integer from 1 to 100"),
    ('{"type": "speed", "epochs_per_frame": 0}', "epochs_per_frame must be an integer from 1 to 100"),
    ('{"type": "configure", "config": {"hidden": [100]}}', "from 1 to 8"),
    ('{"type": "audit", "filename": "x.sh", "source": "ls"}', "filename must be a name ending in .py"),
    ('{"type": "explain", "convention": null}', "convention must be one of loss, cost"),
]


def test_bad_messages_get_one_line_errors_and_the_connection_goes_on(client):
    with client.websocket_connect(WS) as ws:
        for text, message in BAD_MESSAGES:
            ws.send_text(text)
            reply = ws.receive_json()
            assert reply["type"] == "error" and message in reply["message"], (text, reply)
            assert "\n" not in reply["message"]
        ws.send_text(json.dumps({"type": "configure", "config": {"noise": 1e6}, "id": 9}))
        assert ws.receive_json() == {"type": "error", "message": "noise must be in [0, 2]; got 1000000.0", "id": 9}
        ws.send_text("x" * (limits.MAX_MESSAGE_BYTES + 1))
        assert "at most 1024 KiB" in ws.receive_json()["message"]
        ws.send_bytes(b"\x00\x01")
        assert "JSON text, not binary" in ws.receive_json()["message"]
        ws.send_json({"type": "step"})
        assert ws.receive_json()["epoch"] == 1


def test_other_sites_and_other_host_names_are_refused(client):
    """A page of another site (its Origin) cannot open the WebSocket; a DNS name that is not this server's gets 400."""
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(WS, headers={"origin": "http://evil.example"}):
        pass
    assert closed.value.code == 1008
    with client.websocket_connect(WS, headers={"origin": "http://127.0.0.1:8765"}) as ws:
        ws.send_json({"type": "step"})
        assert ws.receive_json()["epoch"] == 1
    assert client.get("/", headers={"host": "rebound.example:8765"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_connections_are_capped(client):
    from contextlib import ExitStack

    from starlette.websockets import WebSocketDisconnect

    with ExitStack() as stack:
        for _ in range(limits.MAX_CONNECTIONS):
            stack.enter_context(client.websocket_connect(WS))
        with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(WS):
            pass
        assert closed.value.code == 1013


def test_diverged_training_stops_with_the_reason_and_reset_starts_again(client):
    with client.websocket_connect(WS) as ws:
        ws.send_json({"type": "configure", "config": {"learning_rate": 10, "initialization": "large_normal", "hidden": [8, 8],
                                                       "activations": ["linear", "linear", "sigmoid"]}})  # fmt: skip
        receive(ws, "run")
        receive(ws, "frame")
        ws.send_json({"type": "play", "epochs_per_frame": 100})
        error = receive(ws, "error", limit=200)
        assert "training diverged at iteration" in error["message"] and "\n" not in error["message"]
        ws.send_json({"type": "step"})
        assert "change a setting or reset" in receive(ws, "error")["message"]
        ws.send_json({"type": "reset"})
        assert receive(ws, "frame")["epoch"] == 0


# -- the command ---------------------------------------------------------------------------------------------
def test_command_prints_the_url_first_and_serves_the_page():
    process = subprocess.Popen([sys.executable, "-m", "chainrule", "playground", "--no-browser", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b"chainrule" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_command_refuses_a_port_in_use_and_a_bad_port():
    from typer.testing import CliRunner

    from chainrule.cli import app

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["playground", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output
    result = CliRunner().invoke(app, ["playground", "--no-browser", "--port", "70000"])
    assert result.exit_code == 2 and "--port must be an integer from 0 to 65535; got 70000" in result.output


def test_command_says_how_to_install_the_extra_when_it_is_missing(monkeypatch):
    from typer.testing import CliRunner

    from chainrule.cli import app
    from chainrule.playground import app as server

    monkeypatch.setattr(server, "missing_dependencies", lambda: "the playground needs uvicorn: pip install 'chainrule[playground]'")
    result = CliRunner().invoke(app, ["playground", "--no-browser"])
    assert result.exit_code == 2 and "pip install 'chainrule[playground]'" in result.output
