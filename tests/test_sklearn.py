"""scikit-learn estimators: the common checks, meta-estimators, and glassnet-specific behaviour."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from onnx.reference import ReferenceEvaluator
from sklearn.datasets import load_iris, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import glassnet as gn
from glassnet.sklearn import ConvergenceWarning, GlassClassifier, GlassRegressor

# Small, quick settings: every check passes with the defaults too, but takes four times as long
# (each check fits several networks for up to 200 epochs).
FAST = {"hidden_layer_sizes": (20,), "learning_rate_init": 0.01, "max_iter": 50}
# Settings that stop on their own (tol reached) well before max_iter on these small data sets.
SETTLING = {"hidden_layer_sizes": (20,), "learning_rate_init": 0.01, "max_iter": 1000, "tol": 1e-3}


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    return load_iris(return_X_y=True)


# The checks fit on tiny data sets for at most max_iter epochs, so some fits end before the loss
# settles; the ConvergenceWarning that says so is expected there and only there.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [GlassClassifier(**FAST, random_state=0), GlassRegressor(**FAST, random_state=0)]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_import_glassnet_does_not_import_optional_packages():
    code = (
        "import sys, glassnet; "
        "print(sorted(m for m in ('sklearn', 'torch', 'onnx', 'onnxruntime') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def test_classifier_in_pipeline_grid_search_and_cross_validation(iris):
    X, y = iris
    pipeline = make_pipeline(StandardScaler(), GlassClassifier(**SETTLING, random_state=0))
    search = GridSearchCV(pipeline, {"glassclassifier__alpha": [1e-4, 1e-1]}, cv=3)
    search.fit(X, y)
    assert search.best_score_ > 0.9
    assert set(search.best_params_) == {"glassclassifier__alpha"}
    scores = cross_val_score(pipeline, X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.85


def test_regressor_in_pipeline_and_cross_validation():
    X, y = make_regression(n_samples=120, n_features=3, noise=1.0, random_state=0)
    model = make_pipeline(StandardScaler(), GlassRegressor(**SETTLING, random_state=0))
    scores = cross_val_score(model, X, y / y.std(), cv=3)
    assert scores.min() > 0.9


def test_classifier_fitted_attributes(iris):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    with pytest.warns(ConvergenceWarning):
        clf = GlassClassifier(hidden_layer_sizes=(5, 4), max_iter=3, random_state=0).fit(X, labels)
    assert clf.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert clf.n_features_in_ == 4
    assert [W.shape for W in clf.coefs_] == [(4, 5), (5, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (4,), (3,)]
    assert clf.n_iter_ == len(clf.loss_curve_) == 3
    assert clf.t_ == 3 * X.shape[0]
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "softmax"
    assert clf.coefs_[0] is clf.network_.layers[0].weights  # the network's own arrays
    assert set(clf.predict(X)) <= set(clf.classes_)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))


def test_binary_classifier_has_one_logistic_output():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)
    y = np.array(["no", "yes", "yes", "yes"] * 5)
    clf = GlassClassifier(hidden_layer_sizes=(), learning_rate_init=0.1, random_state=0)
    clf.set_params(max_iter=2000).fit(X, y)
    assert clf.n_outputs_ == 1
    assert clf.out_activation_ == "logistic"
    assert clf.predict_proba(X).shape == (20, 2)
    assert clf.predict(X[:4]).tolist() == ["no", "yes", "yes", "yes"]


def test_decision_function_gives_the_logits_behind_predict(iris):
    X, y = iris
    binary = GlassClassifier(**FAST, random_state=0)
    multi = GlassClassifier(**FAST, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        binary.fit(X, y == 0)
        multi.fit(X, y)
    scores = binary.decision_function(X)
    assert scores.shape == (X.shape[0],)
    np.testing.assert_allclose(1 / (1 + np.exp(-scores)), binary.predict_proba(X)[:, 1])
    assert (binary.classes_[(scores > 0).astype(int)] == binary.predict(X)).all()
    logits = multi.decision_function(X)
    assert logits.shape == (X.shape[0], 3)
    assert (multi.classes_[logits.argmax(axis=1)] == multi.predict(X)).all()


def test_classifier_multi_label():
    X, Y = make_multilabel_classification(n_samples=80, n_features=4, n_classes=3, random_state=0)
    clf = GlassClassifier(**FAST, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)
    assert clf.classes_.tolist() == [0, 1, 2]
    assert clf.out_activation_ == "logistic"
    assert clf.predict(X).shape == Y.shape
    assert clf.predict(X).dtype == Y.dtype
    P = clf.predict_proba(X)
    assert P.shape == Y.shape
    assert ((P > 0) & (P < 1)).all()
    assert clf.score(X, Y) > 0.3  # exact-match accuracy over all three labels


def test_regressor_single_and_multi_output():
    X, Y = make_regression(n_samples=100, n_features=3, n_targets=2, random_state=0)
    Y = Y / Y.std(axis=0)
    reg = GlassRegressor(**FAST, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert reg.fit(X, Y).predict(X).shape == (100, 2)
        assert reg.out_activation_ == "identity"
        assert reg.fit(X, Y[:, 0]).predict(X).shape == (100,)
    assert reg.score(X, Y[:, 0]) > 0.9


def test_partial_fit_equals_fit_epoch_by_epoch(iris):
    X, y = iris
    settings = {"hidden_layer_sizes": (6,), "shuffle": False, "batch_size": 50, "random_state": 3}
    with pytest.warns(ConvergenceWarning):
        whole = GlassClassifier(**settings, max_iter=4).fit(X, y)
    steps = GlassClassifier(**settings)
    for _ in range(4):
        steps.partial_fit(X, y, classes=[0, 1, 2])
    assert steps.n_iter_ == 1  # epochs of the last call, as MLPClassifier counts them
    assert steps.t_ == whole.t_ == 4 * X.shape[0]
    np.testing.assert_array_equal(steps.loss_curve_, whole.loss_curve_)
    for got, expected in zip(
        steps.coefs_ + steps.intercepts_, whole.coefs_ + whole.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(got, expected)


def test_partial_fit_needs_classes_first(iris):
    X, y = iris
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        GlassClassifier().partial_fit(X, y)
    clf = GlassClassifier(**FAST, random_state=0).partial_fit(X[:10], y[:10], classes=[0, 1, 2])
    assert clf.classes_.tolist() == [0, 1, 2]  # class 2 not yet seen, still an output
    with pytest.raises(ValueError, match=r"labels not in classes_ \[0, 1, 2\]: \[7\]"):
        clf.partial_fit(X[:2], [0, 7])


def test_one_sgd_step_applies_the_l2_penalty_to_weights_only(rng):
    X = rng.normal(size=(8, 3))
    y = rng.normal(size=8)
    reg = GlassRegressor(
        hidden_layer_sizes=(4,), activation="tanh", solver="sgd", momentum=0.0, alpha=0.5,
        learning_rate_init=0.1, batch_size=8, shuffle=False, random_state=0,
    )  # fmt: skip
    reg.partial_fit(X, y)  # builds the network; the next step starts from known weights
    net = reg.network_
    start = net.get_weights()
    _, grads = net.gradients(X, y)  # of the mean squared error: twice MLPRegressor's ½·MSE
    reg.partial_fit(X, y)
    for (name, param, _), before, grad in zip(net.parameters(), start, grads, strict=True):
        penalty = 0.5 / 8 * before if name.endswith("weight") else 0.0
        expected = before - 0.1 * (grad / 2 + penalty)
        np.testing.assert_allclose(param, expected, rtol=1e-14, atol=1e-15)


def test_early_stopping_keeps_the_best_validation_weights(iris):
    X, y = iris
    clf = GlassClassifier(
        hidden_layer_sizes=(8,), learning_rate_init=0.05, early_stopping=True,
        n_iter_no_change=5, max_iter=500, random_state=0,
    )  # fmt: skip
    clf.fit(StandardScaler().fit_transform(X), y)
    assert clf.n_iter_ < 500
    assert len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    assert clf.best_loss_ is None


def test_loss_stopping_uses_tol_and_n_iter_no_change():
    X, y = make_regression(n_samples=60, n_features=2, noise=0.0, random_state=1)
    reg = GlassRegressor(hidden_layer_sizes=(), learning_rate_init=0.1, tol=10.0, random_state=0)
    reg.set_params(n_iter_no_change=3).fit(X, y / y.std())
    # With tol=10 only the first epoch improves on the best loss (inf); training stops once more
    # than n_iter_no_change epochs in a row have not: after 1 + 4 epochs.
    assert reg.n_iter_ == 5
    assert reg.best_loss_ == min(reg.loss_curve_)


def test_convergence_warning_is_caught_by_both_libraries():
    assert issubclass(ConvergenceWarning, gn.ConvergenceWarning)
    assert issubclass(ConvergenceWarning, SklearnConvergenceWarning)


def test_random_state_forms(iris):
    X, y = iris
    fits = [
        GlassClassifier(**FAST, random_state=state).partial_fit(X, y, classes=[0, 1, 2])
        for state in (7, 7, np.random.RandomState(0), np.random.default_rng(0), None)
    ]
    np.testing.assert_array_equal(fits[0].coefs_[0], fits[1].coefs_[0])
    assert not np.array_equal(fits[0].coefs_[0], fits[4].coefs_[0])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"activation": "rleu"}, "unknown activation 'rleu'; choose from identity, logistic"),
        ({"solver": "newton"}, "unknown solver 'newton'; choose from adam, sgd, lbfgs"),
        ({"batch_size": 0}, "batch_size must be 'auto' or an int >= 1, got 0"),
        ({"hidden_layer_sizes": (3, 0)}, r"hidden_layer_sizes must be positive ints, got \(3, 0\)"),
        ({"max_iter": 0}, "max_iter must be an int >= 1, got 0"),
        ({"alpha": -1.0}, "alpha must be a finite number >= 0, got -1.0"),
        ({"early_stopping": True, "validation_fraction": 1.0}, r"must be in \(0, 1\), got 1.0"),
        ({"random_state": -1}, "random_state must be None, a non-negative int seed"),
    ],
    ids=["activation", "solver", "batch", "sizes", "max_iter", "alpha", "fraction", "seed"],
)
def test_invalid_parameters_are_refused_at_fit(iris, params, message):
    X, y = iris
    with pytest.raises(gn.ConfigurationError, match=message):
        GlassClassifier(**params).fit(X, y)


def test_predict_before_fit_raises_not_fitted(iris):
    with pytest.raises(NotFittedError):
        GlassRegressor().predict(iris[0])


def test_classifier_network_exports_to_onnx(iris):
    X, y = iris
    clf = GlassClassifier(**FAST, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    P = ReferenceEvaluator(gn.to_onnx(clf.network_)).run(None, {"X": X})[0]
    np.testing.assert_allclose(P, clf.predict_proba(X), rtol=1e-12)


def test_readme_section_runs_and_prints_its_score(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## scikit-learn, ONNX and PyTorch", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), "README.md", "exec"), {})
    assert float(capsys.readouterr().out) > 0.9
    assert (tmp_path / "iris.onnx").stat().st_size > 0


DROP_IN = {
    "defaults": {},
    "tanh-alpha": {"activation": "tanh", "alpha": 0.1},
    "logistic": {"activation": "logistic"},
    "two-hidden-batch-50": {"hidden_layer_sizes": (12, 6), "batch_size": 50},
    "early-stopping": {"early_stopping": True, "n_iter_no_change": 3},
    "sgd-adaptive": {"solver": "sgd", "learning_rate": "adaptive", "n_iter_no_change": 2},
    "sgd-invscaling": {"solver": "sgd", "learning_rate": "invscaling", "momentum": 0.5},
    "sgd-plain-momentum": {"solver": "sgd", "nesterovs_momentum": False, "shuffle": False},
}


def _assert_same_training(ours, theirs) -> None:
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.t_ == theirs.t_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10, atol=0)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-10)
    if theirs.validation_scores_ is None:
        assert ours.validation_scores_ is None
        assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-10)
    else:
        assert ours.validation_scores_ == theirs.validation_scores_
    for got, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("settings", list(DROP_IN.values()), ids=list(DROP_IN))
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_classifier_trains_as_mlpclassifier_does(settings, target, iris):
    from sklearn.neural_network import MLPClassifier

    X, y = iris
    X = StandardScaler().fit_transform(X)
    if target == "binary":
        y = np.where(y == 2, "yes", "no")
    elif target == "multilabel":
        y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    common = {"hidden_layer_sizes": (10,), "max_iter": 30, "random_state": 0, **settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        theirs = MLPClassifier(**common).fit(X, y)
        ours = GlassClassifier(**common).fit(X, y)
    _assert_same_training(ours, theirs)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9)
    assert (ours.predict(X) == theirs.predict(X)).all()


@pytest.mark.parametrize("settings", list(DROP_IN.values()), ids=list(DROP_IN))
@pytest.mark.parametrize("n_targets", [1, 2])
def test_regressor_trains_as_mlpregressor_does(settings, n_targets):
    from sklearn.neural_network import MLPRegressor

    X, Y = make_regression(n_samples=90, n_features=4, n_targets=n_targets, random_state=1)
    Y = Y / Y.std(axis=0)
    common = {"hidden_layer_sizes": (10,), "max_iter": 30, "random_state": 0, **settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        theirs = MLPRegressor(**common).fit(X, Y)
        ours = GlassRegressor(**common).fit(X, Y)
    _assert_same_training(ours, theirs)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9, atol=1e-12)


def test_partial_fit_and_warm_start_train_as_scikit_learn_does(iris):
    from sklearn.neural_network import MLPClassifier

    X, y = iris
    order = np.random.default_rng(0).permutation(len(y))  # every prefix holds all three classes
    X, y = StandardScaler().fit_transform(X)[order], y[order]
    pairs = [
        (MLPClassifier(**FAST, random_state=5), GlassClassifier(**FAST, random_state=5)),
        (
            MLPClassifier(**FAST, random_state=5, warm_start=True),
            GlassClassifier(**FAST, random_state=5, warm_start=True),
        ),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        for rows in (50, 100, 150):
            for theirs, ours in pairs[:1]:
                theirs.partial_fit(X[:rows], y[:rows], classes=[0, 1, 2])
                ours.partial_fit(X[:rows], y[:rows], classes=[0, 1, 2])
            for theirs, ours in pairs[1:]:
                theirs.fit(X[:rows], y[:rows])
                ours.fit(X[:rows], y[:rows])
    for theirs, ours in pairs:
        _assert_same_training(ours, theirs)


@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_starting_weights_are_mlpclassifier_s(activation, iris):
    """Glorot's uniform rule with scikit-learn's bound, biases drawn too, from the same stream."""
    from sklearn.neural_network import MLPClassifier

    X, y = iris
    common = {"hidden_layer_sizes": (7, 5), "activation": activation, "random_state": 3}
    theirs = MLPClassifier(**common)
    theirs._random_state = np.random.RandomState(3)  # as its fit sets it up
    expected = []
    for fan_in, fan_out in [(4, 7), (7, 5), (5, 3)]:
        expected += theirs._init_coef(fan_in, fan_out, np.float64)
    ours = GlassClassifier(**common, max_iter=1)
    ours._random_state = ours._rng()
    ours._set_targets(y, None, partial=False)
    ours._initialize(X.shape[1])
    drawn = ours.network_.get_weights()  # W, b of each layer in turn, W as (n_in, n_out)
    assert [array.shape for array in drawn] == [array.shape for array in expected]
    for got, want in zip(drawn, expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"alpha": 1.0, "max_iter": 15},
        {"activation": "tanh", "max_fun": 30},
        {"warm_start": True},
    ],
    ids=["defaults", "max-iter", "max-fun", "warm-start"],
)
@pytest.mark.parametrize("target", ["multiclass", "binary", "regression"])
def test_lbfgs_trains_as_scikit_learn_s_does(settings, target, iris):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    X, y = iris
    X = StandardScaler().fit_transform(X)
    if target == "binary":
        y = y == 1
    elif target == "regression":
        y = X[:, 0] * X[:, 1] + y
    if target == "regression":
        pair = (MLPRegressor, GlassRegressor)
    else:
        pair = (MLPClassifier, GlassClassifier)
    common = {"hidden_layer_sizes": (6,), "solver": "lbfgs", "random_state": 2, **settings}
    fitted = []
    for estimator in pair:
        model = estimator(**common)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2 if settings.get("warm_start") else 1):
                model.fit(X, y)
        fitted.append(
            (model, [w for w in caught if issubclass(w.category, SklearnConvergenceWarning)])
        )
    (theirs, their_warnings), (ours, our_warnings) = fitted
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == theirs.loss_
    assert len(our_warnings) == len(their_warnings)
    assert not hasattr(ours, "loss_curve_")
    for got, expected in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-13)


def test_lbfgs_has_no_partial_fit(iris):
    X, y = iris
    with pytest.raises(AttributeError, match="only available for stochastic optimizers"):
        GlassClassifier(solver="lbfgs").partial_fit(X, y, classes=[0, 1, 2])
