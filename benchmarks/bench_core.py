"""Time one training step of the engine next to a hand-written NumPy loop and PyTorch CPU.

For each case and dtype it times, per step (median of repeated timings):

- ``hand``: the floor, a minimal NumPy loop of the same math written inline (forward, fused
  loss from logits, backward, plain SGD), batches sliced from a per-epoch shuffled copy;
- ``net``: the engine's raw path, ``loss_and_gradients`` + ``Optimizer.step``;
- ``trainer``: what the app runs, ``Trainer.step()`` (includes the once-per-epoch evaluation);
- ``torch``: ``torch.nn`` + ``torch.optim.SGD`` on CPU (when installed), with
  ``torch.set_num_threads`` set to NumPy's BLAS thread count.

Usage: ``python benchmarks/bench_core.py [--quick] [--json] [--threads N] [--profile CASE]``.
Target: trainer <= 1.3x hand on every case, and faster than PyTorch on the small cases.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def _pin_threads(argv):
    """Set the BLAS/OpenMP thread count from ``--threads`` (default 1) before NumPy loads.

    BLAS reads it only at import. One thread by default: these networks are too small to
    gain from more, and on a shared 2-core machine extra threads spin and wait on each other.
    """
    n = "1"
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            n = argv[i + 1]
        elif arg.startswith("--threads="):
            n = arg.split("=", 1)[1]
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = n


if __name__ == "__main__":
    _pin_threads(sys.argv[1:])

import numpy as np  # noqa: E402  (after the thread count is set)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

LR = 0.01
TARGET = 1.3
SMALL_CASES = ("xor/full", "xor/b10")  # where the engine must also beat PyTorch

# key: (sizes, hidden activation, task, n_train, batch size or None for full batch)
CASES = {
    "xor/full": ([2, 16, 8, 1], "tanh", "binary", 400, None),
    "xor/b10": ([2, 16, 8, 1], "tanh", "binary", 400, 10),
    "digits/b32": ([64, 128, 64, 10], "relu", "multiclass", 1797, 32),
    "digits/full": ([64, 128, 64, 10], "relu", "multiclass", 1797, None),
    "mnist/b128": ([784, 256, 256, 10], "relu", "multiclass", 1280, 128),
}
DTYPES = ("float64", "float32")


def make_data(key, seed=0):
    """Raw float64 ``(X_train, y_train, X_test, y_test)`` for a case; ``n_test = n_train // 4``.

    Digits uses the shipped data (all 1797 rows for training) when the loader works, else
    random data of that shape. Targets: binary (n, 1) of 0/1, multi-class one-hot (n, C).
    """
    sizes, _, task, n, _ = CASES[key]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n + n // 4, sizes[0]))
    labels = rng.integers(0, max(sizes[-1], 2), size=len(X))
    if key.startswith("digits"):
        X, labels = _digits(X, labels)
    y = labels[:, None].astype(float) if task == "binary" else np.eye(sizes[-1])[labels]
    return X[:n], y[:n], X[n:], y[n:]


def _digits(X, labels):
    try:
        from core.data import load_dataset

        d = load_dataset("digits")
        X_all = np.vstack([d.X_train, d.X_test])
        all_labels = np.concatenate([d.labels_train, d.labels_test])
    except Exception:  # loader not ready: keep random data of the same shape
        return X, labels
    X_all = (X_all - X_all.mean(0)) / (X_all.std(0) + 1e-8)
    extra = np.arange(len(X) - len(X_all)) % len(X_all)  # test rows: repeat some rows
    return np.vstack([X_all, X_all[extra]]), np.concatenate([all_labels, all_labels[extra]])


class Batches:
    """Mini-batches as the trainer makes them: slices of a per-epoch shuffled copy."""

    def __init__(self, X, y, batch, seed=0):
        self.X, self.y, self.n = X, y, len(X)
        self.batch = self.n if batch is None else min(batch, self.n)
        self.rng = np.random.default_rng(seed)
        self.Xp, self.yp = (X, y) if self.batch == self.n else (np.empty_like(X), np.empty_like(y))
        self.pos = 0

    def next(self):
        if self.pos == 0 and self.batch < self.n:
            order = self.rng.permutation(self.n)
            np.take(self.X, order, axis=0, out=self.Xp)
            np.take(self.y, order, axis=0, out=self.yp)
        start, stop = self.pos, min(self.pos + self.batch, self.n)
        self.pos = 0 if stop == self.n else stop
        return self.Xp[start:stop], self.yp[start:stop]


def make_hand(key, data, dtype):
    """The floor: the same math written inline with plain NumPy; returns ``step() -> loss``."""
    sizes, act, task, _, batch = CASES[key]
    X, y = data[0].astype(dtype), data[1].astype(dtype)
    rng = np.random.default_rng(0)
    Ws = [
        rng.uniform(-1, 1, (a, b)).astype(dtype) * (6 / (a + b)) ** 0.5
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    bs = [np.zeros(b, dtype) for b in sizes[1:]]
    batches, last = Batches(X, y, batch), len(Ws) - 1

    def step():
        xb, yb = batches.next()
        acts = [xb]
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = acts[-1] @ W
            z += b
            acts.append(z if i == last else (np.tanh(z) if act == "tanh" else np.maximum(z, 0)))
        z, m = acts.pop(), len(xb)
        if task == "binary":
            loss = float(np.mean(np.logaddexp(0, z) - yb * z))
            dz = 0.5 * (np.tanh(0.5 * z) + 1)  # stable sigmoid
        else:
            zs = z - z.max(axis=1, keepdims=True)
            e = np.exp(zs)
            s = e.sum(axis=1, keepdims=True)
            loss = float(np.mean(np.log(s[:, 0]) - (zs * yb).sum(axis=1)))
            dz = e / s
        dz -= yb
        dz /= m
        for i in range(last, -1, -1):
            a = acts[i]
            dW, db = a.T @ dz, dz.sum(axis=0)
            if i:
                da = dz @ Ws[i].T
                dz = da * (1 - a * a) if act == "tanh" else da * (a > 0)
            Ws[i] -= LR * dW
            bs[i] -= LR * db
        return loss

    return step


def make_trainer(key, data, dtype):
    """``Trainer.step`` on the case's data: the path the app runs."""
    from core.data.dataset import Dataset
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer

    sizes, act, task, _, batch = CASES[key]
    inputs = [f"x{i + 1}" for i in range(sizes[0])]
    targets = ["0", "1"] if sizes[-1] == 1 else [str(c) for c in range(sizes[-1])]
    ds = Dataset(key, task, *data, inputs, targets, {"source": "arrays"})
    settings = {"optimizer": "sgd", "lr": LR, "standardize": False, "epochs": 10**6, "seed": 0}
    config = TrainConfig(
        hidden=tuple(sizes[1:-1]), activation=act, batch_size=batch, dtype=dtype, **settings
    )
    return Trainer(ds, config).step


def make_net(key, data, dtype):
    """The engine's raw path: ``loss_and_gradients`` then ``Optimizer.step``."""
    from core.nn.network import Network, loss_and_gradients
    from core.optim.optimizers import OPTIMIZERS

    sizes, act, task, _, batch = CASES[key]
    out_act, loss = ("sigmoid", "bce") if task == "binary" else ("softmax", "cce")
    net = Network(
        sizes, [act] * (len(sizes) - 2) + [out_act], init="xavier_uniform", rng=0, dtype=dtype
    )
    opt = OPTIMIZERS.get("sgd")(net.params(), lr=LR)
    batches = Batches(data[0].astype(dtype), data[1].astype(dtype), batch)

    def step():
        xb, yb = batches.next()
        value, grads = loss_and_gradients(net, loss, xb, yb)
        opt.step(grads)
        return value

    return step


def make_torch(key, data, dtype):
    """``torch.nn`` + ``torch.optim.SGD`` with the same math on CPU."""
    import torch

    sizes, act, task, _, batch = CASES[key]
    tdtype = torch.float64 if dtype == "float64" else torch.float32
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(torch.nn.Linear(a, b, dtype=tdtype))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh() if act == "tanh" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    if task == "binary":
        loss_fn, target = torch.nn.BCEWithLogitsLoss(), data[1]
    else:
        loss_fn, target = torch.nn.CrossEntropyLoss(), data[1].argmax(axis=1)
    X = torch.tensor(data[0], dtype=tdtype)
    y = torch.tensor(target, dtype=tdtype if task == "binary" else torch.long)
    n = len(X)
    size = n if batch is None else min(batch, n)
    state = {"pos": 0, "X": X, "y": y}

    def step():
        if state["pos"] == 0 and size < n:
            order = torch.randperm(n)
            state["X"], state["y"] = X[order], y[order]
        start, stop = state["pos"], min(state["pos"] + size, n)
        state["pos"] = 0 if stop == n else stop
        opt.zero_grad()
        loss = loss_fn(model(state["X"][start:stop]), state["y"][start:stop])
        loss.backward()
        opt.step()
        return loss.item()

    return step


def blas_threads():
    """(threads NumPy's BLAS uses, how that was found)."""
    try:
        from threadpoolctl import threadpool_info

        counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        if counts:
            return counts[0], "threadpoolctl"
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var, "").isdigit():
            return int(os.environ[var]), var
    return os.cpu_count(), "OpenBLAS default (all cores)"


def machine_info(use_torch=True):
    """Machine, library versions and thread settings; sets PyTorch's thread count."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads, source = blas_threads()
    info = dict(
        nproc=os.cpu_count(),
        cpu=cpu,
        python=platform.python_version(),
        numpy=np.__version__,
        blas_threads=threads,
        blas_threads_source=source,
        date=time.strftime("%Y-%m-%d %H:%M"),
        torch=None,
    )
    try:
        if not use_torch:
            raise ImportError("--no-torch")
        import torch

        torch.set_num_threads(threads)
        info["torch"] = f"{torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        pass
    return info


def _calibrate(step, budget, clock):
    """Calls of ``step`` that take about ``budget`` seconds (after one warm-up call)."""
    step()  # first-call allocations, lazy imports
    t0, calls = clock(), 0
    while clock() - t0 < budget / 4 or calls < 2:
        step()
        calls += 1
    return max(1, int(budget * calls / max(clock() - t0, 1e-9)))


def time_steps(steps, budget, repeats, clock):
    """Median microseconds per call of each ``steps[name]()``.

    The implementations take turns within every repeat, so a change in the machine's load
    during the run hits all of them alike.
    """
    counts = {name: _calibrate(step, budget, clock) for name, step in steps.items()}
    samples = {name: [] for name in steps}
    for _ in range(repeats):
        for name, step in steps.items():
            n = counts[name]
            t0 = clock()
            for _ in range(n):
                step()
            samples[name].append((clock() - t0) / n)
    return {name: 1e6 * statistics.median(s) for name, s in samples.items()}


FACTORIES = {"hand": make_hand, "net": make_net, "trainer": make_trainer, "torch": make_torch}


def run_case(key, dtype, budget, repeats, have_torch, clock):
    """One result row: microseconds per step for each implementation and the ratios."""
    data = make_data(key)
    sizes, _, _, n, batch = CASES[key]
    row = {"case": key, "dtype": dtype, "sizes": sizes, "n_train": n, "batch": batch or n}
    steps = {}
    for impl, factory in FACTORIES.items():
        row[f"{impl}_us"] = None
        if impl == "torch" and not have_torch:
            continue
        try:
            steps[impl] = factory(key, data, dtype)
        except ImportError as exc:  # an engine module not written yet
            row[f"{impl}_error"] = str(exc)
    row.update({f"{impl}_us": us for impl, us in time_steps(steps, budget, repeats, clock).items()})
    for impl in ("net", "trainer"):
        row[f"{impl}_vs_hand"] = _ratio(row[f"{impl}_us"], row["hand_us"])
        row[f"{impl}_vs_torch"] = _ratio(row[f"{impl}_us"], row["torch_us"])
    ok = row["trainer_vs_hand"] is not None and row["trainer_vs_hand"] <= TARGET
    if key in SMALL_CASES and row["trainer_vs_torch"] is not None:
        ok = ok and row["trainer_vs_torch"] < 1.0
    row["meets_target"] = ok
    return row


def _ratio(a, b):
    return None if a is None or b is None else a / b


def format_table(rows, info):
    head = (f"{'case':<12} {'dtype':<8} {'hand µs':>9} {'net µs':>9} {'trainer µs':>10} "
            f"{'torch µs':>9} {'net/hand':>8} {'tr/hand':>8} {'tr/torch':>8}  target")
    machine = (f"{info['cpu']}, {info['nproc']} cores, numpy {info['numpy']}, BLAS threads "
               f"{info['blas_threads']} ({info['blas_threads_source']}), torch {info['torch']}, "
               f"{info['clock']}, median of repeats")
    lines = [machine, head, "-" * len(head)]
    widths = {"hand_us": 9, "net_us": 9, "trainer_us": 10, "torch_us": 9}
    for r in rows:
        cells = [_fmt(r.get(k), w, 1) for k, w in widths.items()]
        cells += [_fmt(r.get(k), 8, 2) for k in ("net_vs_hand", "trainer_vs_hand",
                                                  "trainer_vs_torch")]
        mark = "ok" if r["meets_target"] else "MISS"
        lines.append(f"{r['case']:<12} {r['dtype']:<8} {' '.join(cells)}  {mark}")
    return "\n".join(lines)


def _fmt(value, width, digits):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def profile(key, dtype, steps=3000):
    """Print the cProfile top entries of ``Trainer.step`` for one case."""
    import cProfile
    import pstats

    step = make_trainer(key, make_data(key), dtype)
    for _ in range(10):
        step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(steps):
        step()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fast smoke run (rough numbers)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--profile", choices=list(CASES), help="cProfile Trainer.step")
    parser.add_argument("--dtype", choices=DTYPES, default=None, help="only this dtype")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and PyTorch threads (default 1; read at start-up)")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.dtype or "float64")
        return 0
    info = machine_info(use_torch=not args.no_torch)
    have_torch = info["torch"] is not None
    budget, repeats = (0.002, 2) if args.quick else (0.1, 15)
    dtypes = [args.dtype] if args.dtype else list(DTYPES)
    # One thread: process CPU time, which other processes on a shared machine barely disturb.
    clock = time.process_time if args.threads == 1 else time.perf_counter
    info["clock"] = "process CPU time" if args.threads == 1 else "wall time"
    rows = [run_case(key, dtype, budget, repeats, have_torch, clock)
            for key in CASES for dtype in dtypes]
    if args.json:
        report = {"machine": info, "quick": args.quick, "target": TARGET, "cases": rows}
        print(json.dumps(report, indent=1))
    else:
        print(format_table(rows, info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
