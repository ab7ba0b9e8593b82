#!/usr/bin/python3
"""scikit-learn's MLPClassifier on MNIST, as the spark-neural benchmark's single-machine peer.

Reads the four MNIST IDX files, scales the pixels by 1/255 (as every contender does), trains
MLPClassifier(hidden_layer_sizes=--hidden (default (64, 32)), adam, learning rate 1e-3, no L2 penalty, shuffled minibatches) for
exactly --epochs epochs (no early stop), and prints one JSON line:

  {"seconds": .., "accuracy": .., "samples_per_second": .., "epochs": [{"epoch": 1, "seconds": .., "accuracy": ..}],
   "sklearn": "1.2.1", "numpy": "..", "rows": .., "test_rows": ..}

"seconds" is the training time with the per-epoch test evaluation taken out; "epochs" is the test accuracy after
each epoch (measured through MLPClassifier's per-epoch bookkeeping hook where this scikit-learn version has it,
else left empty). Run it with Debian's /usr/bin/python3 (python3-sklearn: bench/install-sklearn.sh).
"""
import argparse
import json
import struct
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier


def read_idx(path, limit):
    """The IDX file's array (uint8), its first `limit` items (0 = all)."""
    with open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    return array[:limit] if limit > 0 else array


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--train-images", required=True)
    p.add_argument("--train-labels", required=True)
    p.add_argument("--test-images", required=True)
    p.add_argument("--test-labels", required=True)
    p.add_argument("--hidden", default="64,32", help="hidden layer sizes, comma separated")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--train-limit", type=int, default=0)
    p.add_argument("--test-limit", type=int, default=0)
    a = p.parse_args(argv)

    x_train = read_idx(a.train_images, a.train_limit).reshape(-1, 784).astype(np.float64) / 255.0
    y_train = read_idx(a.train_labels, a.train_limit).astype(np.int64)
    x_test = read_idx(a.test_images, a.test_limit).reshape(-1, 784).astype(np.float64) / 255.0
    y_test = read_idx(a.test_labels, a.test_limit).astype(np.int64)

    hidden = tuple(int(size) for size in a.hidden.split(","))
    clf = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam", alpha=0.0,
                        batch_size=a.batch_size, learning_rate_init=a.learning_rate, max_iter=a.epochs,
                        shuffle=True, random_state=a.seed, tol=0.0, n_iter_no_change=a.epochs + 1,
                        early_stopping=False)

    start = time.perf_counter()
    evaluation = [0.0]
    curve = []
    hook = getattr(clf, "_update_no_improvement_count", None)
    if hook is not None:
        # called once at the end of every epoch by the stochastic solvers (scikit-learn 0.20 to 1.x)
        def after_epoch(*args, **kwargs):
            t0 = time.perf_counter()
            trained = t0 - start - evaluation[0]
            accuracy = float(np.mean(clf.predict(x_test) == y_test))
            evaluation[0] += time.perf_counter() - t0
            curve.append({"epoch": len(curve) + 1, "seconds": trained, "accuracy": accuracy})
            return hook(*args, **kwargs)
        clf._update_no_improvement_count = after_epoch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(x_train, y_train)
    seconds = time.perf_counter() - start - evaluation[0]
    accuracy = float(np.mean(clf.predict(x_test) == y_test))
    print(json.dumps({
        "seconds": seconds,
        "accuracy": accuracy,
        "samples_per_second": len(x_train) * clf.n_iter_ / seconds,
        "epochs_run": int(clf.n_iter_),
        "epochs": curve if len(curve) == clf.n_iter_ else [],
        "rows": int(len(x_train)),
        "test_rows": int(len(x_test)),
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
