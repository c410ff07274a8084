"""Reference values for the GBDT tests: a small synthetic dataset (committed as CSV) and the
test-set metrics XGBoost's hist learner reaches on it with the same params as Keel's test.

Run with Debian's Python (apt-get install python3-xgboost python3-sklearn python3-pandas):
    /usr/bin/python3 src/models/gbdt/testdata/make-expected.py
Writes gbdt-train.csv, gbdt-test.csv and expected.json beside this script.
"""
import json
import os

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
N_TRAIN, N_TEST = 2000, 1000
n = N_TRAIN + N_TEST

X = rng.normal(size=(n, 5))
cats = np.array(list("abcdef"))
c = cats[rng.integers(0, 6, size=n)].astype(object)
c[rng.random(n) < 0.05] = None
x0_missing = rng.random(n) < 0.1
x1_missing = rng.random(n) < 0.1

cat_effect = pd.Series(c).map({"a": 0.0, "b": 1.5, "c": -0.5, "d": 0.2, "e": 1.2, "f": -1.0}).fillna(0.8).to_numpy()
# Missing x0 carries signal (a high score), so the default direction must be learned.
x0_term = np.where(x0_missing, 2.0, np.sin(2 * X[:, 0]) + X[:, 0])
score = x0_term + np.where(x1_missing, 0.0, X[:, 1] ** 2 - 1) + 0.7 * X[:, 2] * X[:, 3] + cat_effect
noise = rng.normal(scale=0.5, size=n)
X[x0_missing, 0] = np.nan
X[x1_missing, 1] = np.nan

y_reg = score + noise
y_bin = (score + noise > 0.8).astype(int)
y_multi = np.digitize(score + noise, [0.0, 1.2])

df = pd.DataFrame({f"x{j}": np.round(X[:, j], 6) for j in range(5)})
df["c"] = c
df["y_reg"] = np.round(y_reg, 6)
df["y_bin"] = y_bin
df["y_multi"] = y_multi
train, test = df.iloc[:N_TRAIN], df.iloc[N_TRAIN:]
train.to_csv(os.path.join(HERE, "gbdt-train.csv"), index=False)
test.to_csv(os.path.join(HERE, "gbdt-test.csv"), index=False)

# Read back what was written, so XGBoost sees exactly the data Keel's test sees.
train = pd.read_csv(os.path.join(HERE, "gbdt-train.csv"))
test = pd.read_csv(os.path.join(HERE, "gbdt-test.csv"))
FEATURES = ["x0", "x1", "x2", "x3", "x4", "c"]


def frame(d):
    out = d[FEATURES].copy()
    out["c"] = pd.Categorical(out["c"], categories=list("abcdef"))
    return out


PARAMS = {"n_estimators": 60, "learning_rate": 0.1, "max_depth": 4, "reg_lambda": 1.0, "min_child_weight": 1.0, "max_bin": 255}
common = dict(tree_method="hist", enable_categorical=True, max_cat_to_onehot=1, nthread=1, random_state=0, **PARAMS)
expected = {"params": PARAMS}

reg = xgb.XGBRegressor(objective="reg:squarederror", base_score=float(train["y_reg"].mean()), **common)
reg.fit(frame(train), train["y_reg"])
p = reg.predict(frame(test))
expected["regression"] = {"rmse": float(np.sqrt(mean_squared_error(test["y_reg"], p)))}

clf = xgb.XGBClassifier(objective="binary:logistic", base_score=float(train["y_bin"].mean()), **common)
clf.fit(frame(train), train["y_bin"])
p = clf.predict_proba(frame(test))[:, 1]
expected["binary"] = {"auc": float(roc_auc_score(test["y_bin"], p)), "logloss": float(log_loss(test["y_bin"], p))}

mc = xgb.XGBClassifier(objective="multi:softprob", **common)
mc.fit(frame(train), train["y_multi"])
p = mc.predict_proba(frame(test))
expected["multiclass"] = {"mlogloss": float(log_loss(test["y_multi"], p)), "accuracy": float((p.argmax(1) == test["y_multi"]).mean())}
expected["xgboost_version"] = xgb.__version__

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
print(json.dumps(expected, indent=2))
