"""scikit-learn estimators backed by glassnet networks: ``GlassClassifier`` and ``GlassRegressor``.

They take ``MLPClassifier``/``MLPRegressor``'s parameter names and fitted attributes, so they drop
into ``Pipeline``, ``GridSearchCV`` and ``cross_val_score``, while ``network_`` is an ordinary
glassnet ``Network`` to inspect, save or export. This package needs scikit-learn (an optional
extra) and is only imported on demand; ``import glassnet`` never imports it.
"""

from __future__ import annotations

# Importing any module of this package runs this file first, so this one check covers them all:
# the scikit-learn modules they use, and how to install scikit-learn when it is missing.
try:
    import sklearn.base
    import sklearn.exceptions
    import sklearn.model_selection
    import sklearn.utils.multiclass
    import sklearn.utils.validation
except ModuleNotFoundError as error:  # say how to get the optional dependency
    if not (error.name or "").startswith("sklearn"):
        raise
    raise ModuleNotFoundError(
        "glassnet.sklearn needs scikit-learn: pip install 'glassnet[sklearn]'", name="sklearn"
    ) from error

from glassnet.sklearn.classifiers import GlassClassifier
from glassnet.sklearn.estimators import ConvergenceWarning
from glassnet.sklearn.regressors import GlassRegressor

__all__ = ["ConvergenceWarning", "GlassClassifier", "GlassRegressor"]

del sklearn  # checked above; the modules import what they use
