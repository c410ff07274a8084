"""XGBoost peer for bench/gbdt.ts: trains tree_method=hist on the cached Higgs-like set with the
same params and thread count, and prints one JSON line (train seconds, peak RSS, test AUC).

    /usr/bin/python3 bench/gbdt-xgboost.py DATA_PATH ROWS ROUNDS DEPTH ETA MAX_BIN THREADS
"""
import json
import resource
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score

path, rows, rounds, depth, eta, max_bin, threads = sys.argv[1:8]
rows, rounds, depth, max_bin, threads = int(rows), int(rounds), int(depth), int(max_bin), int(threads)
data = np.fromfile(path, dtype="<f4").reshape(rows, 29)
n_train = rows * 4 // 5
X_train, y_train = data[:n_train, :28], data[:n_train, 28]
X_test, y_test = data[n_train:, :28], data[n_train:, 28]

start = time.perf_counter()
cpu0 = resource.getrusage(resource.RUSAGE_SELF)
dtrain = xgb.DMatrix(X_train, label=y_train, nthread=threads)
params = {
    "tree_method": "hist", "objective": "binary:logistic", "max_depth": depth, "eta": float(eta),
    "max_bin": max_bin, "nthread": threads, "base_score": float(y_train.mean()), "seed": 0,
}
booster = xgb.train(params, dtrain, num_boost_round=rounds)
train_seconds = time.perf_counter() - start
cpu1 = resource.getrusage(resource.RUSAGE_SELF)
train_cpu_seconds = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)

p = booster.predict(xgb.DMatrix(X_test, nthread=threads))
print(json.dumps({
    "train_seconds": train_seconds,
    "train_cpu_seconds": train_cpu_seconds,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "auc": float(roc_auc_score(y_test, p)),
    "xgboost": xgb.__version__,
}))
