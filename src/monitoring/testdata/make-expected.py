"""Reference values for performance-metrics.test.ts. Run with Debian's python:
    /usr/bin/python3 src/monitoring/testdata/make-expected.py > src/monitoring/testdata/expected.json
"""
import json
import numpy as np
from sklearn.metrics import accuracy_score, log_loss, mean_absolute_error, mean_squared_error, roc_auc_score

rng = np.random.default_rng(7)
n = 200
labels = rng.integers(0, 2, n)
# Rounded scores make ties, which roc_auc_score averages.
scores = np.round(np.clip(labels * 0.3 + rng.random(n) * 0.7, 0, 1), 2)
preds = (scores >= 0.5).astype(int)
y = rng.normal(10, 3, n)
yhat = y + rng.normal(0, 1.5, n)
lat = rng.exponential(20, n)

print(json.dumps({
    "labels": labels.tolist(), "scores": scores.tolist(), "preds": preds.tolist(),
    "y": y.tolist(), "yhat": yhat.tolist(), "latency": lat.tolist(),
    "accuracy": accuracy_score(labels, preds),
    "auc": roc_auc_score(labels, scores),
    "logloss": log_loss(labels, np.clip(scores, 1e-15, 1 - 1e-15)),
    "rmse": float(np.sqrt(mean_squared_error(y, yhat))),
    "mae": mean_absolute_error(y, yhat),
    "p50": float(np.percentile(lat, 50)), "p95": float(np.percentile(lat, 95)), "p99": float(np.percentile(lat, 99)),
}))
