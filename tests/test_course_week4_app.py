"""chainrule.course.week4_app reproduces the application's published cost traces and accuracies on the cat data."""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.course import week4_app as app


@pytest.fixture(scope="module")
def cat(request):
    cat_dir = request.getfixturevalue("cat_dir_module")
    train_x_orig, train_y, test_x_orig, test_y, classes = app.load_data(str(cat_dir))
    flatten = lambda x: x.reshape(x.shape[0], -1).T / 255  # noqa: E731  (the notebook's flattening)
    return flatten(train_x_orig), train_y, flatten(test_x_orig), test_y, classes


@pytest.fixture(scope="module")
def cat_dir_module():
    from conftest import CAT_DIR

    if not (CAT_DIR / "train_catvnoncat.h5").is_file():
        pytest.skip(f"the course's cat data is not at {CAT_DIR}")
    pytest.importorskip("h5py")
    return CAT_DIR


def test_load_data(cat_dir):
    train_x_orig, train_y, test_x_orig, test_y, classes = app.load_data(str(cat_dir))
    assert train_x_orig.shape == (209, 64, 64, 3) and test_x_orig.shape == (50, 64, 64, 3)
    assert train_y.shape == (1, 209) and test_y.shape == (1, 50)
    assert [c.decode() for c in classes] == ["non-cat", "cat"]


def test_load_data_missing_folder(tmp_path):
    from chainrule import ChainruleError

    with pytest.raises(ChainruleError, match="train_catvnoncat.h5"):
        app.load_data(str(tmp_path))


def test_initialize_parameters_deep_is_the_applications():
    p = app.initialize_parameters_deep([4, 3, 1])
    np.random.seed(1)
    np.testing.assert_array_equal(p["W1"], np.random.randn(3, 4) / np.sqrt(4))
    np.testing.assert_array_equal(p["W2"], np.random.randn(1, 3) / np.sqrt(3))


# Printed by the application notebook (full digits, 2021 version).
L_LAYER_TRACE = {
    0: 0.7717493284237686, 100: 0.6720534400822914, 200: 0.6482632048575212, 300: 0.6115068816101354,
    400: 0.5670473268366111, 500: 0.54013766345478, 600: 0.5279299569455267, 700: 0.4654773771766851,
    800: 0.3691258524959279, 900: 0.39174697434805344, 1000: 0.3151869888600617, 1100: 0.2726998441789385,
    1200: 0.23741853400268137, 1300: 0.19960120532208647, 1400: 0.18926300388463305, 1500: 0.1611885466582775,
    1600: 0.14821389662363316, 1700: 0.13777487812972944, 1800: 0.1297401754919012, 1900: 0.12122535068005211,
    2000: 0.1138206066863371, 2100: 0.10783928526254133, 2200: 0.10285466069352679, 2300: 0.10089745445261787,
    2400: 0.09287821526472397, 2499: 0.088439943441702,
}
TWO_LAYER_TRACE = {
    0: 0.6930497356599888, 100: 0.6464320953428849, 200: 0.6325140647912678, 300: 0.6015024920354665,
    400: 0.5601966311605747, 500: 0.515830477276473, 600: 0.4754901313943325, 700: 0.4339163151225749,
    800: 0.400797753620389, 900: 0.3580705011323798, 1000: 0.3394281538366412, 1100: 0.3052753636196263,
    1200: 0.27491377282130175, 1300: 0.2468176821061483, 1400: 0.19850735037466116, 1500: 0.17448318112556632,
    1600: 0.17080762978096647, 1700: 0.1130652456216472, 1800: 0.09629426845937152, 1900: 0.08342617959726863,
    2000: 0.07439078704319081, 2100: 0.06630748132267934, 2200: 0.05919329501038171, 2300: 0.053361403485605544,
    2400: 0.04855478562877018, 2499: 0.04421498215868956,
}


def _printed_trace(text: str) -> dict[int, float]:
    trace = {}
    for line in text.splitlines():
        if line.startswith("Cost after iteration "):
            i, value = line.removeprefix("Cost after iteration ").split(": ")
            trace[int(i)] = float(value)
    return trace


def _check(model, dims, expected_trace, train_acc, test_acc, cat, capsys):
    train_x, train_y, test_x, test_y, _ = cat
    parameters, costs = model(train_x, train_y, dims, num_iterations=2500, print_cost=True)
    trace = _printed_trace(capsys.readouterr().out)
    assert sorted(trace) == sorted(expected_trace)
    for i, expected in expected_trace.items():  # published copies differ in the last 1-3 digits
        assert trace[i] == pytest.approx(expected, rel=1e-9), f"cost after iteration {i}"
    assert len(costs) == 25
    app.predict(train_x, train_y, parameters)
    app.predict(test_x, test_y, parameters)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Accuracy: {train_acc}", f"Accuracy: {test_acc}"]


def test_two_layer_model(cat, capsys):
    _check(app.two_layer_model, (12288, 7, 1), TWO_LAYER_TRACE, "0.9999999999999998", "0.72", cat, capsys)


def test_L_layer_model(cat, capsys):
    _check(app.L_layer_model, [12288, 20, 7, 5, 1], L_LAYER_TRACE, "0.9856459330143539", "0.8", cat, capsys)
