"""Writes expected.json: inputs and scikit-learn's values for every metric in training/metrics.

Run with Debian's python3-sklearn: /usr/bin/python3 src/training/metrics/testdata/make-expected.py
Scores are drawn from small pools and rounded so that ties are common: tie handling is part of
what the tests check.
"""
import json
import os

import numpy as np
from sklearn import metrics
from sklearn.calibration import calibration_curve
from sklearn.metrics._ranking import _tie_averaged_dcg

rng = np.random.default_rng(20261125)
out = {}

# Binary: P(class 1) rounded to 2 decimals, with exact 0, 1 and bin edges present.
n = 600
y = rng.integers(0, 2, n)
p = np.clip(np.round(0.5 * y + 0.5 * rng.random(n) * 1.0 + rng.normal(0, 0.15, n), 2), 0, 1)
p[:8] = [0.0, 1.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]
pred = (p >= 0.5).astype(int)
prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
prec, rec, f1, _ = metrics.precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
out["binary"] = {
    "y": y.tolist(), "p": p.tolist(), "pred": pred.tolist(),
    "accuracy": metrics.accuracy_score(y, pred),
    "precision": prec, "recall": rec, "f1": f1,
    "roc_auc": metrics.roc_auc_score(y, p),
    "average_precision": metrics.average_precision_score(y, p),
    "log_loss": metrics.log_loss(y, p, labels=[0, 1]),
    "brier": metrics.brier_score_loss(y, p),
    "confusion_matrix": metrics.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
    "calibration_prob_true": prob_true.tolist(),
    "calibration_prob_pred": prob_pred.tolist(),
}

# Multiclass: rows drawn from a pool of 25 probability vectors (many exact ties per class).
k = 4
n = 500
pool = rng.dirichlet(np.ones(k), 25)
rows = rng.integers(0, 25, n)
probs = pool[rows]
y = np.array([rng.choice(k, p=0.5 * probs[i] + 0.5 / k) for i in range(n)])
pred = probs.argmax(axis=1)
# A second prediction that never says class 3: precision of class 3 is 0/0 (zero_division=0).
pred_skewed = np.where(pred == 3, 0, pred)
labels = list(range(k))
binarized = np.eye(k)[y]
mc = {
    "k": k, "y": y.tolist(), "probs": probs.ravel().tolist(), "pred": pred.tolist(), "pred_skewed": pred_skewed.tolist(),
    "accuracy": metrics.accuracy_score(y, pred),
    "roc_auc_ovr_macro": metrics.roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=labels),
    "average_precision_macro": metrics.average_precision_score(binarized, probs, average="macro"),
    "log_loss": metrics.log_loss(y, probs, labels=labels),
    "confusion_matrix": metrics.confusion_matrix(y, pred, labels=labels).tolist(),
}
for name, yp in (("pred", pred), ("pred_skewed", pred_skewed)):
    p_, r_, f_, _ = metrics.precision_recall_fscore_support(y, yp, labels=labels, average="macro", zero_division=0)
    mc[name + "_macro"] = {"precision": p_, "recall": r_, "f1": f_}
out["multiclass"] = mc

# Regression.
n = 300
y = rng.normal(3, 2, n)
pred = y + rng.normal(0, 0.7, n)
out["regression"] = {
    "y": y.tolist(), "pred": pred.tolist(),
    "rmse": float(np.sqrt(metrics.mean_squared_error(y, pred))),
    "mae": metrics.mean_absolute_error(y, pred),
    "r2": metrics.r2_score(y, pred),
    "r2_constant_exact": metrics.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]),
    "r2_constant_off": metrics.r2_score([2.0, 2.0, 2.0], [2.0, 1.0, 2.0]),
}

# Ranking: 20 queries x 12 items, graded relevance 0..3 (two queries with none), scores with ties.
q, items = 20, 12
rel = rng.integers(0, 4, (q, items)) * (rng.random((q, items)) < 0.4)
rel[3] = 0
rel[11] = 0
scores = np.round(rel * 0.3 + rng.random((q, items)), 1)
ranking = {"relevance": rel.tolist(), "scores": scores.tolist(), "ks": [1, 3, 5, 12], "ndcg": {}, "recall": {}}
for kk in ranking["ks"]:
    ranking["ndcg"][str(kk)] = metrics.ndcg_score(rel, scores, k=kk)
    # recall@k through sklearn's own tie averaging, with a discount of 1 on the top k positions.
    cum = np.cumsum(np.r_[np.ones(kk), np.zeros(items - kk)])
    hits = (rel > 0).astype(float)
    per_query = [_tie_averaged_dcg(hits[i], scores[i], cum) / hits[i].sum() for i in range(q) if hits[i].sum() > 0]
    ranking["recall"][str(kk)] = float(np.mean(per_query))
out["ranking"] = ranking

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(out, f)
