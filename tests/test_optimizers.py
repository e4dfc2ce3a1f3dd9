"""Optimizers and gradient clipping against PyTorch (stored fixture, and live when installed)."""

import inspect
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from core.errors import UserInputError
from core.nn import flat
from core.optim.base import Optimizer
from core.optim.optimizers import OPTIMIZERS, Adam, clip_grad_norm

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = np.load(ROOT / "tests" / "data" / "optim_reference.npz")
META = json.loads(str(FIXTURE["meta"]))
CASES = [(name, hyper) for name, hyper in META["optimizers"]]
CASE_IDS = [f"{i}-{name}-{'-'.join(hyper)}" for i, (name, hyper) in enumerate(CASES)]
NAMES = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"]


def torch_reference():
    """``benchmarks/torch_reference.py`` as a module (it is a script, not a package)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import torch_reference
    finally:
        sys.path.pop(0)
    return torch_reference


def fixture_inputs():
    """Initial parameters and per-step gradients stored in the fixture (float64)."""
    params = [FIXTURE[f"param{i}"] for i in range(len(META["shapes"]))]
    grads = [split(row, params) for row in FIXTURE["grads"]]
    return params, grads


def split(flat, like):
    """Cut a flat vector into arrays shaped like ``like``."""
    out, start = [], 0
    for a in like:
        out.append(flat[start : start + a.size].reshape(a.shape))
        start += a.size
    return out


def run_engine(name, hyper, params, grads, dtype=np.float64):
    """The engine's trajectory, ``(steps, total size)``, with the fixture's lr change."""
    hyper = dict(hyper)
    if "betas" in hyper:
        hyper["betas"] = tuple(hyper["betas"])
    live = [p.astype(dtype) for p in params]
    opt = OPTIMIZERS.get(name)(live, **hyper)
    rows = []
    for i, step_grads in enumerate(grads):
        if i == META["lr_change_step"]:
            opt.lr = hyper["lr"] / 2
        opt.step([g.astype(dtype) for g in step_grads])
        rows.append(np.concatenate([p.ravel() for p in live]))
    return np.array(rows)


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=CASE_IDS)
def test_matches_pytorch_fixture(index, case):
    params, grads = fixture_inputs()
    assert len(grads) >= 20
    ours = run_engine(*case, params, grads)
    np.testing.assert_allclose(ours, FIXTURE[f"opt{index}"], rtol=0, atol=1e-12)


def test_fixture_covers_every_optimizer_and_option():
    names = {name for name, _ in CASES}
    options = {key for _, hyper in CASES for key in hyper}
    assert names == set(NAMES)
    assert {"weight_decay", "amsgrad", "centered", "momentum", "dampening"} <= options


def test_registry_names_in_order():
    assert OPTIMIZERS.names() == NAMES


def test_base_class_is_importable_from_both_modules():
    from core.optim.optimizers import Optimizer as reexported

    assert reexported is Optimizer
    assert all(issubclass(OPTIMIZERS.get(name), Optimizer) for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_delta_is_the_change_applied(name):
    params, grads = fixture_inputs()
    live = [p.copy() for p in params]
    opt = OPTIMIZERS.get(name)(live, lr=0.05)
    for step_grads in grads[:5]:
        before = [p.copy() for p in live]
        deltas = opt.step(step_grads)
        for p, b, d in zip(live, before, deltas, strict=True):
            np.testing.assert_allclose(d, p - b, rtol=0, atol=1e-15)
    assert opt.t == 5


@pytest.mark.parametrize("name", NAMES)
def test_step_leaves_gradients_untouched(name):
    params, grads = fixture_inputs()
    opt = OPTIMIZERS.get(name)([p.copy() for p in params], weight_decay=0.1)
    g = [a.copy() for a in grads[0]]
    opt.step(g)
    opt.step(g)
    for a, b in zip(g, grads[0], strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=CASE_IDS)
def test_float32_stays_float32(index, case):
    params, grads = fixture_inputs()
    ours = run_engine(*case, params, grads, dtype=np.float32)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, FIXTURE[f"opt{index}"], rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_float32_buffers_and_deltas(name):
    params = [np.ones((3, 2), np.float32), np.ones(2, np.float32)]
    opt = OPTIMIZERS.get(name)(params, weight_decay=0.1)
    deltas = opt.step([np.full((3, 2), 0.5, np.float32), np.full(2, 0.5, np.float32)])
    assert all(d.dtype == np.float32 for d in deltas)
    assert all(p.dtype == np.float32 for p in params)
    for arrays in opt.state_dict()["buffers"].values():
        assert all(a.dtype == np.float32 for a in arrays)


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_state_dict_round_trip_continues_bit_identically(name, hyper):
    params, grads = fixture_inputs()
    hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in hyper.items()}
    a_params = [p.copy() for p in params]
    a = OPTIMIZERS.get(name)(a_params, **hyper)
    for g in grads[:10]:
        a.step(g)
    saved = a.state_dict()
    b_params = [p.copy() for p in a_params]
    b = OPTIMIZERS.get(name)(b_params)  # default hyperparameters: restored from the dict
    b.load_state_dict(saved)
    assert b.hyperparameters() == a.hyperparameters()
    assert b.t == a.t == 10
    for g in grads[10:]:
        a.step(g)
        b.step(g)
    for x, y in zip(a_params, b_params, strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_flat_update_matches_per_parameter_update_bit_for_bit(name, hyper, dtype):
    # Parameters that tile one buffer, given the gradients as one vector, are updated in one
    # go (core.optim.base): every update is elementwise, so the values are the same.
    params, grads = fixture_inputs()
    hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in hyper.items()}
    separate = [p.astype(dtype) for p in params]
    buffer, tiled = flat.allocate([p.shape for p in params], dtype)
    for t, p in zip(tiled, separate, strict=True):
        np.copyto(t, p)
    a = OPTIMIZERS.get(name)(separate, **hyper)
    b = OPTIMIZERS.get(name)(tiled, **hyper)
    assert flat.tiled_buffer(b.params) is buffer
    for g in grads:
        da = a.step([x.astype(dtype) for x in g])
        db = b.step(np.concatenate([x.ravel() for x in g]).astype(dtype))
        assert_same_arrays(db, da)
        assert_same_arrays(tiled, separate)
    for key, arrays in a.state_dict()["buffers"].items():
        assert_same_arrays(b.state_dict()["buffers"][key], arrays)


def assert_same_arrays(got, expected):
    for x, y in zip(got, expected, strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape
        np.testing.assert_array_equal(x, y)


def test_gradient_vector_for_separate_parameters_and_wrong_sizes():
    params, grads = fixture_inputs()
    a = Adam([p.copy() for p in params])
    b = Adam([p.copy() for p in params])
    a.step(grads[0])
    b.step(np.concatenate([g.ravel() for g in grads[0]]))  # split into views per parameter
    assert_same_arrays(b.params, a.params)
    with pytest.raises(ValueError, match="gradient vector of shape"):
        b.step(np.zeros(3))
    with pytest.raises(ValueError, match="got 1 gradients"):
        b.step([np.zeros(3)])


def test_mixed_dtypes_keep_one_buffer_per_parameter():
    params = [np.ones(3, np.float32), np.ones(2, np.float64)]
    opt = OPTIMIZERS.get("momentum")(params, lr=0.5)
    deltas = opt.step([np.ones(3, np.float32), np.ones(2, np.float64)])
    assert opt.flat_delta is None
    assert [d.dtype for d in deltas] == [np.float32, np.float64]
    np.testing.assert_array_equal(params[0], np.full(3, 0.5, np.float32))


def test_state_dict_holds_copies():
    params, grads = fixture_inputs()
    opt = Adam([p.copy() for p in params])
    opt.step(grads[0])
    saved = opt.state_dict()
    kept = saved["buffers"]["exp_avg"][0].copy()
    opt.step(grads[1])
    np.testing.assert_array_equal(saved["buffers"]["exp_avg"][0], kept)


def test_load_state_dict_rejects_other_optimizer_or_shapes():
    params, _ = fixture_inputs()
    adam = Adam([p.copy() for p in params])
    with pytest.raises(UserInputError, match="'adam', not 'sgd'"):
        OPTIMIZERS.get("sgd")([p.copy() for p in params]).load_state_dict(adam.state_dict())
    small = Adam([np.zeros((2, 2)), np.zeros(2), np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(UserInputError, match="another architecture"):
        adam.load_state_dict(small.state_dict())


@pytest.mark.parametrize("name", NAMES)
def test_hyperparameters_describe_defaults_within_range(name):
    cls = OPTIMIZERS.get(name)
    opt = cls([np.zeros(3)])
    assert list(opt.hyperparameters()) == list(cls.HYPERPARAMETERS)
    for key, spec in cls.HYPERPARAMETERS.items():
        assert opt.hyperparameters()[key] == spec.default
        default, low, high = spec[:3]
        values = default if isinstance(default, tuple) else (default,)
        assert all(low <= v <= high for v in values), key
    assert name in repr(opt) or cls.__name__ in repr(opt)


def test_named_presets():
    assert OPTIMIZERS.get("momentum")([np.zeros(1)]).hyperparameters()["momentum"] == 0.9
    nesterov = OPTIMIZERS.get("nesterov")([np.zeros(1)]).hyperparameters()
    assert nesterov["nesterov"] is True and nesterov["momentum"] == 0.9
    assert OPTIMIZERS.get("adamw")([np.zeros(1)]).hyperparameters()["weight_decay"] == 0.01
    assert OPTIMIZERS.get("sgd")([np.zeros(1)]).lr == 0.01


@pytest.mark.parametrize(
    ("name", "hyper", "message"),
    [
        ("sgd", {"momentum": 1.5}, r"momentum = 1\.5 is out of range.*\[0, 1\)"),
        ("sgd", {"lr": -0.1}, r"lr = -0\.1 is out of range.*\[0, 10\]"),
        ("sgd", {"lr": float("nan")}, r"lr = nan is out of range"),
        ("sgd", {"nesterov": True}, r"Nesterov momentum needs momentum > 0"),
        ("nesterov", {"dampening": 0.5}, r"dampening = 0"),
        ("sgd", {"nesterov": "yes"}, r"nesterov must be true or false"),
        ("adam", {"betas": (0.9, 1.0)}, r"betas\[1\] = 1\.0 is out of range.*\[0, 1\)"),
        ("adam", {"betas": 0.9}, r"betas must be 2 numbers"),
        ("adam", {"momentum": 0.9}, r"adam optimizer has no setting 'momentum'.*betas"),
        ("rmsprop", {"alpha": "0.9"}, r"alpha must be a number"),
        ("adagrad", {"eps": -1.0}, r"eps = -1\.0 is out of range"),
        ("adamw", {"weight_decay": True}, r"weight_decay must be a number"),
    ],
)
def test_invalid_hyperparameters_say_what_and_range(name, hyper, message):
    cls = OPTIMIZERS.get(name)
    with pytest.raises(UserInputError, match=message):
        cls([np.zeros(2)], **hyper)
    with pytest.raises(UserInputError, match=message):
        cls.validate(**hyper)


def test_lr_setter_validates():
    opt = OPTIMIZERS.get("sgd")([np.zeros(2)])
    opt.lr = 0.5
    assert opt.lr == 0.5 and isinstance(opt.lr, float)
    with pytest.raises(UserInputError, match="lr"):
        opt.lr = -1.0


def test_numpy_scalars_become_python_floats():
    opt = Adam([np.zeros(2, np.float32)], lr=np.float64(0.01), betas=(np.float64(0.9), 0.99))
    assert type(opt.lr) is float and all(type(b) is float for b in opt.hyperparameters()["betas"])


def test_unknown_optimizer_lists_choices():
    with pytest.raises(UserInputError, match="adamw"):
        OPTIMIZERS.get("lion")


# -- gradient clipping -----------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(META["clip_max_norms"])))
def test_clip_matches_pytorch_fixture(index):
    _, grads = fixture_inputs()
    g = [a.copy() for a in grads[index]]
    total = clip_grad_norm(g, META["clip_max_norms"][index])
    assert total == pytest.approx(float(FIXTURE[f"clip{index}_total"]), rel=1e-14)
    flat = np.concatenate([a.ravel() for a in g])
    np.testing.assert_allclose(flat, FIXTURE[f"clip{index}"], rtol=1e-14, atol=0)


def test_clip_keeps_dtype_and_direction():
    g = [np.full((2, 2), 3.0, np.float32), np.full(2, 4.0, np.float32)]
    total = clip_grad_norm(g, 1.0)
    assert total == pytest.approx(np.sqrt(4 * 9 + 2 * 16))
    assert all(a.dtype == np.float32 for a in g)
    assert np.sqrt(sum((a.astype(float) ** 2).sum() for a in g)) == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, float("nan")])
def test_clip_rejects_non_positive_norm(max_norm):
    with pytest.raises(UserInputError, match="must be > 0"):
        clip_grad_norm([np.ones(2)], max_norm)


# -- live PyTorch (skipped when torch is not installed) --------------------------------


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_matches_live_pytorch(name, hyper):
    pytest.importorskip("torch")
    params, grads = fixture_inputs()
    theirs = torch_reference().run_optimizer(name, hyper, params, grads)
    np.testing.assert_allclose(run_engine(name, hyper, params, grads), theirs, rtol=0, atol=1e-12)


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 50.0])
def test_clip_matches_live_pytorch(max_norm):
    pytest.importorskip("torch")
    _, grads = fixture_inputs()
    expected, total = torch_reference().run_clip(grads[3], max_norm)
    g = [a.copy() for a in grads[3]]
    assert clip_grad_norm(g, max_norm) == pytest.approx(total, rel=1e-14)
    np.testing.assert_allclose(np.concatenate([a.ravel() for a in g]), expected, rtol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_equal_pytorch_defaults(name):
    torch = pytest.importorskip("torch")
    cls_name, preset = torch_reference().OPTIMIZER_DEFAULTS[name]
    signature = inspect.signature(getattr(torch.optim, cls_name))
    ours = OPTIMIZERS.get(name).validate()
    for key, value in ours.items():
        expected = preset.get(key, signature.parameters[key].default)
        assert value == pytest.approx(expected), key
