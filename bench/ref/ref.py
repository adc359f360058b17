"""One timed run of a Python reference for the Embedscope reducer bench (bench/bench.ts starts a
fresh /usr/bin/python3 per run). Reads raw row-major float32, times the fit call only (not the
interpreter start, imports or data load), writes the 2-D coords as float32 (x0 y0 x1 y1 ...) and
prints one JSON line. Threads come from the environment the bench sets (NUMBA_NUM_THREADS,
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) and n_jobs=-1.

  ref.py --impl umap-learn|sklearn --method umap|tsne|pca --input x.f32 --n N --dims D --out y.f32 [--seed S]
  ref.py --impl umap-learn --check      (prints the version, exits 1 if not importable)

umap-learn's numba functions are compiled inside its first fit in every fresh process; the time
spent compiling (numba's compile events, nested ones counted once) is reported as jit_s.
"""
import argparse
import json
import sys
import time


def version(impl):
    if impl == "umap-learn":
        import umap  # noqa: F401
        from importlib.metadata import version as v
        try:
            return "umap-learn " + v("umap-learn")
        except Exception:
            return "umap-learn " + getattr(umap, "__version__", "?")
    if impl == "sklearn":
        import sklearn
        return "scikit-learn " + sklearn.__version__
    raise SystemExit("unknown impl " + impl)


class CompileTimer:
    """Wall time inside numba compilations (outermost events only)."""

    def __init__(self):
        self.depth = 0
        self.start = 0.0
        self.total = 0.0

    def install(self):
        try:
            from numba.core import event
        except Exception:
            return False
        timer = self

        class Listener(event.Listener):
            def on_start(self, ev):
                if timer.depth == 0:
                    timer.start = time.perf_counter()
                timer.depth += 1

            def on_end(self, ev):
                timer.depth -= 1
                if timer.depth == 0:
                    timer.total += time.perf_counter() - timer.start

        event.register("numba:compile", Listener())
        return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--impl", required=True)
    p.add_argument("--method")
    p.add_argument("--input")
    p.add_argument("--n", type=int)
    p.add_argument("--dims", type=int)
    p.add_argument("--out")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--check", action="store_true")
    a = p.parse_args()
    if a.check:
        print(json.dumps({"ok": True, "version": version(a.impl)}))
        return

    import numpy as np

    x = np.fromfile(a.input, dtype=np.float32, count=a.n * a.dims).reshape(a.n, a.dims)
    jit = None
    if a.impl == "umap-learn" and a.method == "umap":
        import umap

        timer = CompileTimer()
        jit = timer if timer.install() else None
        # random_state=None: umap-learn runs its kNN and SGD on every core only without a seed.
        model = umap.UMAP(n_components=2, n_neighbors=15, min_dist=0.1, metric="euclidean")
        fit = lambda: model.fit_transform(x)  # noqa: E731
    elif a.impl == "sklearn" and a.method == "pca":
        from sklearn.decomposition import PCA

        model = PCA(n_components=2, random_state=a.seed)
        fit = lambda: model.fit_transform(x)  # noqa: E731
    elif a.impl == "sklearn" and a.method == "tsne":
        import inspect
        from sklearn.manifold import TSNE

        iters = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"
        model = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut",
                     angle=0.5, metric="euclidean", n_jobs=-1, random_state=a.seed, **{iters: 1000})
        fit = lambda: model.fit_transform(x)  # noqa: E731
    else:
        raise SystemExit("no %s implementation of %s" % (a.impl, a.method))

    t0 = time.perf_counter()
    y = fit()
    fit_s = time.perf_counter() - t0
    np.ascontiguousarray(y, dtype=np.float32).tofile(a.out)
    out = {"ok": True, "fit_s": fit_s, "version": version(a.impl)}
    if jit is not None:
        out["jit_s"] = jit.total
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
