"""The playground in a real browser: headless Chromium (the system's) loads the page, trains, reads what it shows.

Skipped with the reason when Playwright or Chromium is missing on a developer's machine; in CI
(CI=true) a missing browser is a failure, since these are the only tests of the page itself.
"""

from __future__ import annotations

import os
import re

import pytest

from playground_browser import chromium, server, why_no_browser

pytest.importorskip("starlette", reason="the playground's extra chainrule[playground] is not installed")

MISSING = why_no_browser()
if MISSING and os.environ.get("CI") == "true":
    raise RuntimeError(f"the browser tests must run in CI: {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(scope="module")
def url():
    with server() as (address, _, _):
        yield address


@pytest.fixture(scope="module")
def browser():
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, errors


def epoch(page) -> int:
    return int(page.inner_text("#epoch").replace(",", ""))


def test_page_trains_the_flower_and_shows_shapes_and_the_convention_switch(page, url, tmp_path):
    page.goto(url)
    page.wait_for_function("window.playground.frames > 0")
    assert epoch(page) == 0
    assert page.inner_text('.layer-head .shape[data-key="W1"]') == "(4, 2)"
    assert page.inner_text('.layer-head .shape[data-key="Z1"]') == "(4, 400)"
    assert page.locator("canvas.unit").count() == 2 + 4 + 1
    page.click("#play")
    page.wait_for_function("Number(document.getElementById('epoch').textContent.replace(/,/g, '')) >= 200", timeout=60_000)
    page.click("#play")  # pause
    assert epoch(page) >= 200 and page.inner_text("#accuracy").endswith("%")

    page.click('.layer[data-layer="1"]')
    page.wait_for_selector('.card[data-key="dZ1"]')
    shapes = {key: page.inner_text(f'.card .shape[data-key="{key}"]') for key in ("W1", "b1", "A0", "Z1", "A1", "dZ1", "dW1", "db1", "dA0")}
    assert shapes == {"W1": "(4, 2)", "b1": "(4, 1)", "A0": "(2, 400)", "Z1": "(4, 400)", "A1": "(4, 400)", "dZ1": "(4, 400)",
                      "dW1": "(4, 2)", "db1": "(4, 1)", "dA0": "(2, 400)"}  # fmt: skip
    assert page.inner_text('.derivative[data-key="dZ1"]') == "dZ[1] = ∂L/∂Z[1]"
    assert page.locator(".card .katex").count() >= 4  # the equations typeset by the vendored KaTeX
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert (tmp_path / "playground.png").stat().st_size > 50_000

    page.click("#conv-cost")
    page.wait_for_function("document.querySelector('.derivative[data-key=\"dZ1\"]').textContent.includes('∂J/∂Z[1]')")
    assert page.inner_text('.derivative[data-key="dW1"]') == "dW[1] = ∂J/∂W[1]"
    assert re.match(r'"loss" / "cost" = 400: exactly m = 400', page.inner_text('.ratio[data-key="dZ1"]'))
    assert re.match(r'"loss" / "cost" = 400: exactly m = 400', page.inner_text('.ratio[data-key="dA0"]'))
    assert re.match(r'"loss" / "cost" = 1: identical in both conventions', page.inner_text('.ratio[data-key="dW1"]'))
    assert "conv=cost" in page.url


def test_explain_steps_through_the_backward_pass_and_highlights_what_each_line_reads_and_writes(page, url):
    page.goto(url)
    page.wait_for_function("window.playground.frames > 0")
    page.click('nav.tabs button[data-tab="explain"]')
    page.wait_for_selector("#explain-list li")
    assert page.locator("#explain-list li").count() == 8
    assert page.inner_text("#board .chip.written") == "dZ2 (1, 400)"
    page.click("#explain-next")
    assert page.inner_text("#board .chip.written") == "dW2 (1, 4)"
    assert sorted(page.locator("#board .chip.read").all_inner_texts()) == ["A1 (4, 400)", "dZ2 (1, 400)"]
    assert "(1, 400)(400, 4) → (1, 4)" in page.inner_text("#explain-current")

    page.click('canvas.unit[data-layer="1"][data-unit="1"]')  # a unit: its row of layer 1's arrays
    page.wait_for_function("document.getElementById('arrays-title').textContent.includes('unit 2 is row 2')")
    assert page.locator("#tab-arrays").is_visible()


def test_state_in_the_url_builds_the_linked_network_and_export_gives_its_python(page, url):
    page.goto(url + "#dataset=moons&hidden=3,2&act=relu,tanh,sigmoid&init=he&lr=0.1&opt=adam&seed=4&test=0.2")
    page.wait_for_function("window.playground.state.run && window.playground.state.run.layer_dims.length === 4")
    assert "layer_dims = [2, 3, 2, 1]" in page.inner_text("#network-note")
    assert page.locator("canvas.unit").count() == 2 + 3 + 2 + 1
    page.click("#step")
    page.wait_for_function("document.getElementById('epoch').textContent === '1'")
    page.click('nav.tabs button[data-tab="share"]')
    page.click("#export")
    page.wait_for_selector("#download:not([hidden])")
    python = page.inner_text("#python")
    assert "cr.Network([2, 3, 2, 1], ['relu', 'tanh', 'sigmoid'], initialization='he', rng=np.random.default_rng(4))" in python
    assert "optimizer='adam'" in python and "epochs=1" in python
    assert "dataset=moons" in page.input_value("#share-url")


def test_a_bad_setting_is_refused_with_the_servers_line(page, url):
    page.goto(url + "#lr=50")
    page.wait_for_function("window.playground.frames > 0 && document.getElementById('message').textContent.length > 0")
    assert page.inner_text("#message").startswith("learning_rate must be in (0, 10]; got 50 (the link's setup was refused")
    assert page.input_value("#learning_rate") == "1.2" and "lr=1.2" in page.url


def test_csv_upload_and_the_audit_of_pasted_code(page, url, tmp_path):
    points = tmp_path / "points.csv"
    rows = [(x / 10, (x * 7 % 13) / 3, int(x % 2)) for x in range(40)]
    points.write_text("x1,x2,label\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows), encoding="utf-8")
    page.goto(url)
    page.wait_for_function("window.playground.frames > 0")
    page.set_input_files("#csv", str(points))
    page.wait_for_function("window.playground.state.run.config.dataset === 'csv'")
    assert page.inner_text('.layer-head .shape[data-key="Z1"]') == "(4, 40)"
    assert "features standardized" in page.inner_text("#data-note")

    page.click('nav.tabs button[data-tab="audit"]')
    source = ("import numpy as np\n\ndef linear_backward(dZ, cache):\n    A_prev, W, b = cache\n    m = A_prev.shape[1]\n"
              "    dW = np.dot(dZ, A_prev.T) / m\n    db = np.sum(dZ, axis=1, keepdims=True) / m\n"
              "    dA_prev = np.dot(W.T, dZ) / m  # the 1/m a second time\n    return dA_prev, dW, db\n")
    page.fill("#audit-source", source)
    page.click("#run-audit")
    page.wait_for_selector("#audit-result h4", timeout=60_000)
    assert page.inner_text("#audit-result .headline") == "audit of pasted.py: 1 function(s), 1 wrong"
    assert "dA_prev ◀ first" in page.inner_text("#audit-result table")
    page.wait_for_selector("#conventions-table tr:nth-child(2)")
    assert "∂J/∂Z[2]" in page.inner_text("#conventions-table")
