"""Data sets: the course's planar sets, seeded splits, standardization on the training part, user files."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule.datasets import circles, load_dataset, prepare


@pytest.mark.parametrize("name", ["flower", "circles", "moons", "blobs", "gaussian_quantiles"])
def test_planar_sets_are_seeded_two_class_planes(name):
    a, b = load_dataset(name), load_dataset(name)
    assert a.n_x == 2 and a.classes == ["0", "1"] and a.normalization is None
    assert np.array_equal(a.X_train, b.X_train) and set(np.unique(a.y_train)) == {0, 1}


def test_circles_are_the_courses_train_and_test_sets():
    data = load_dataset("circles")
    assert data.X_train.shape == (2, 300) and data.X_test.shape == (2, 100)
    assert np.array_equal(data.X_test, circles(100, seed=2)[0])
    assert not np.array_equal(circles(300, seed=1)[0], circles(300, seed=4)[0])


def test_flower_keeps_the_courses_order():
    X, Y = cr.datasets.flower()
    data = load_dataset("flower")
    assert np.array_equal(data.X_train, X) and np.array_equal(data.targets(data.y_train), Y)


def test_splits_are_seeded_disjoint_and_standardized_on_the_training_part():
    X = np.vstack([np.arange(100.0), np.arange(100.0) ** 2])
    y = np.arange(100) % 3
    data = prepare("t", X, y, classes=["a", "b", "c"], val_fraction=0.1, test_fraction=0.2, seed=5)
    assert (data.X_train.shape[1], data.X_val.shape[1], data.X_test.shape[1]) == (70, 10, 20)
    seen = np.concatenate([data.X_train[0], data.X_val[0], data.X_test[0]])
    assert sorted(seen) == list(X[0])  # every example exactly once
    again = prepare("t", X, y, classes=["a", "b", "c"], val_fraction=0.1, test_fraction=0.2, seed=5)
    assert np.array_equal(again.X_test, data.X_test)
    other = prepare("t", X, y, classes=["a", "b", "c"], val_fraction=0.1, test_fraction=0.2, seed=6)
    assert not np.array_equal(other.X_test, data.X_test)
    np.testing.assert_allclose(data.normalization["mean"][:, 0], data.X_train.mean(axis=1))  # training part only
    assert not np.allclose(data.normalization["mean"][:, 0], X.mean(axis=1))
    standardized = data.standardized()
    np.testing.assert_allclose(standardized.X_train.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(standardized.X_train.std(axis=1), 1)
    assert data.n_y == 3 and data.output_activation == "softmax" and data.split("val")[1].shape == (3, 10)
    with pytest.raises(cr.ChainruleError, match="must be below 1"):
        prepare("t", X, y, classes=["a", "b", "c"], val_fraction=0.5, test_fraction=0.5)


def test_bundled_tables():
    digits = load_dataset("digits")
    assert digits.n_x == 64 and digits.n_classes == 10 and digits.n_y == 10
    assert digits.X_train.shape[1] + digits.X_val.shape[1] + digits.X_test.shape[1] == 1797
    cancer = load_dataset("breast_cancer", val_fraction=0, test_fraction=0.25)
    assert cancer.n_x == 30 and cancer.n_y == 1 and cancer.X_val is None and cancer.X_test.shape[1] == 142


def test_csv_with_text_labels(tmp_path):
    path = tmp_path / "iris.csv"
    rows = ["sepal,petal,kind"] + [f"{i},{i % 7},{['setosa', 'virginica'][i % 2]}" for i in range(40)]
    path.write_text("\n".join(rows) + "\n")
    data = load_dataset(str(path), label="kind", test_fraction=0.25, val_fraction=0)
    assert data.classes == ["setosa", "virginica"] and data.feature_names == ["sepal", "petal"]
    assert data.n_x == 2 and data.X_test.shape[1] == 10
    with pytest.raises(cr.ChainruleError, match=r"no label column 'label'; its columns are \['sepal', 'petal', 'kind'\]"):
        load_dataset(str(path))
    path.write_text("a,label\n1,0\nx,1\n")
    with pytest.raises(cr.ChainruleError, match="line 3: feature 'a' is not a number: 'x'"):
        load_dataset(str(path))


def test_npz_in_both_layouts(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "table.npz", X=rng.standard_normal((50, 3)), y=rng.integers(0, 3, 50))
    data = load_dataset(str(tmp_path / "table.npz"))
    assert data.n_x == 3 and data.n_classes == 3
    np.savez(tmp_path / "columns.npz", a=np.arange(20.0), b=np.ones(20), target=np.arange(20) % 2)
    data = load_dataset(str(tmp_path / "columns.npz"), label="target")
    assert data.feature_names == ["a", "b"] and data.n_classes == 2
    with pytest.raises(cr.ChainruleError, match="no label array 'y'"):
        load_dataset(str(tmp_path / "columns.npz"))


def test_cat_images(cat_dir):
    data = load_dataset("cat", data_dir=str(cat_dir))
    assert data.X_train.shape == (12288, 209) and data.X_test.shape == (12288, 50)
    assert data.classes == ["non-cat", "cat"] and data.image_shape == (64, 64, 3)
    assert data.standardized().X_train.max() <= 1.0  # pixels / 255, as the course


def test_unknown_names_and_missing_folders():
    with pytest.raises(cr.ChainruleError, match="unknown data set 'mnist'.*digits"):
        load_dataset("mnist")
    with pytest.raises(cr.ChainruleError, match="needs --data-dir"):
        load_dataset("cat")
