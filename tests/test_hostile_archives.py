"""Crafted archives: zip bombs and lying ``.npy`` headers get a clear error before any read.

Every file here is built in the test and is small on disk; each would make a naive loader
allocate hundreds of megabytes to terabytes. The loaders (weights ``.npz``, sessions, the CLI)
must refuse them naming the member and the limit, with ``tracemalloc``'s peak under a few
MB (NumPy reports its array allocations to ``tracemalloc``; a control shows it).
"""

import io
import json
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from cli.train import main as cli_main
from core.errors import UserInputError
from core.io import load_session, read_weights, save_session
from core.io.archive import read_archive, write_archive
from core.io.npz_reader import MAX_ARRAY_BYTES, MAX_MEMBERS, MAX_TEXT_BYTES
from core.io.weights_npz import save_weights
from core.train.config import MAX_PARAMETERS, TrainConfig
from core.train.trainer import Trainer

PEAK_LIMIT = 4 * 2**20  # bytes: what refusing a file may allocate at most
BOMB_BYTES = 64 * 2**20  # a deflated member inflating to this (64 kB on disk)


# ----------------------------------------------------------------------------- crafting
def npy(shape, descr="<f8", data=b""):
    """A ``.npy`` member: a header declaring ``shape`` and ``descr``, then ``data``."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False,
                                               "shape": tuple(shape)})
    return buf.getvalue() + data


def npy_of(array):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def weights_meta(sizes):
    return {"format_version": 1, "sizes": list(sizes),
            "activations": ["tanh"] * (len(sizes) - 2) + ["sigmoid"], "dtype": "float64"}


def write_zip(path, members, deflate=()):
    """Write ``members`` (name -> bytes, or name -> (header bytes, n zero bytes)) to a zip;
    names in ``deflate`` are compressed (a run of zeros shrinks ~1000 times)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            with zf.open(info, "w", force_zip64=True) as f:
                if isinstance(content, tuple):
                    header, zeros = content
                    f.write(header)
                    chunk = bytes(2**20)
                    for start in range(0, zeros, len(chunk)):
                        f.write(chunk[: min(len(chunk), zeros - start)])
                else:
                    f.write(content)
    return path


def set_declared_size(path, member, size):
    """Patch the central directory so ``member`` claims to inflate to ``size`` bytes
    (< 4 GB); the data stay as they are. zipfile trusts the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46: at + 46 + name_len]) == name:
            extra_len = struct.unpack_from("<H", data, at + 30)[0]
            if struct.unpack_from("<I", data, at + 24)[0] == 0xFFFFFFFF:  # zip64: in extra
                extra = at + 46 + name_len
                assert struct.unpack_from("<H", data, extra)[0] == 1 and extra_len >= 12
                struct.pack_into("<Q", data, extra + 4, size)
            else:
                struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return path
        at += 4


def meta_member(meta):
    return npy_of(np.array(json.dumps(meta)))


def peak_while(fn):
    """``fn()``'s exception and the peak bytes traced while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(UserInputError) as info:
            fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(info.value), peak


def weights_bombs(folder):
    """{case: (path, words its error must contain)} of crafted weights files."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = meta_member(weights_meta([2, 3, 1]))
    fine = {"layers.0.weight.npy": npy_of(np.zeros((2, 3))),
            "layers.0.bias.npy": npy_of(np.zeros(3)),
            "layers.1.weight.npy": npy_of(np.zeros((3, 1))),
            "layers.1.bias.npy": npy_of(np.zeros(1))}
    n = BOMB_BYTES // 8
    cases = {}
    # A deflated member that truly inflates to 64 MB, its header consistent with that, but
    # the meta says (2, 3).
    cases["deflate_bomb"] = (write_zip(
        folder / "deflate.npz",
        {"meta.npy": meta, **fine, "layers.0.weight.npy": (npy((n // 8, 8)), BOMB_BYTES)},
        deflate=("layers.0.weight.npy",)), ["layers.0.weight", "expected (2, 3)"])
    # A header asking for a terabyte, followed by 16 bytes.
    cases["lying_header"] = (write_zip(
        folder / "header.npz",
        {"meta.npy": meta, **fine, "layers.1.bias.npy": npy((10**6, 10**6), data=bytes(16))}),
        ["layers.1.bias", "(1000000, 1000000)", "holds"])
    # The central directory claims 4 GB for a member.
    path = write_zip(folder / "directory.npz", {"meta.npy": meta, **fine})
    cases["directory_size"] = (set_declared_size(path, "layers.0.bias.npy", 0xFFFFFFF0),
                               ["layers.0.bias", "inflates to", "limit", f"{MAX_PARAMETERS:,}"])
    # A description of 100 MB.
    path = write_zip(folder / "meta.npz", {"meta.npy": meta, **fine})
    cases["huge_meta"] = (set_declared_size(path, "meta.npy", MAX_TEXT_BYTES + 1),
                          ["'meta'", "inflates to", "limit"])
    # Members each under the limit but 2.3 GB together.
    members = {"meta.npy": meta, **fine, **{f"extra{i}.npy": npy_of(np.zeros(1))
                                            for i in range(6)}}
    path = write_zip(folder / "total.npz", members)
    for i in range(6):
        set_declared_size(path, f"extra{i}.npy", MAX_ARRAY_BYTES - 1)
    cases["total"] = (path, ["together", "limit"])
    # The meta itself asks for a network the app never builds.
    cases["huge_network"] = (write_zip(
        folder / "network.npz",
        {"meta.npy": meta_member(weights_meta([100_000, 100_000, 1]))}),
        ["100000-100000-1", f"{MAX_PARAMETERS:,}"])
    cases["many_members"] = (write_zip(
        folder / "many.npz", {f"m{i}.npy": b"" for i in range(MAX_MEMBERS + 1)}),
        [f"{MAX_MEMBERS + 1:,} members", "limit"])
    return cases


WEIGHTS_CASES = ["deflate_bomb", "lying_header", "directory_size", "huge_meta", "total",
                 "huge_network", "many_members"]


# ----------------------------------------------------------------------------- weights
@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    return weights_bombs(tmp_path_factory.mktemp("bombs"))


def test_tracemalloc_sees_numpy_arrays(bombs):
    """The control: loading the deflate bomb naively allocates its 64 MB, and it shows."""
    path, _ = bombs["deflate_bomb"]
    tracemalloc.start()
    try:
        with np.load(path) as npz:
            npz["layers.0.weight"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak > BOMB_BYTES


@pytest.mark.parametrize("case", WEIGHTS_CASES)
def test_crafted_weights_are_refused_before_reading(bombs, case):
    path, words = bombs[case]
    assert path.stat().st_size < 2**20  # small on disk
    message, peak = peak_while(lambda: read_weights(path))
    assert peak < PEAK_LIMIT, f"{case}: {peak:,} bytes allocated"
    assert str(path) in message
    for word in words:
        assert word in message, (case, message)


@pytest.mark.parametrize("case", ["deflate_bomb", "lying_header", "huge_network"])
def test_cli_refuses_crafted_weights(bombs, case, capsys):
    path, words = bombs[case]
    code = cli_main(["--samples", "40", "--epochs", "1", "--hidden", "3",
                     "--load-weights", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert all(word in err for word in words), err


# ----------------------------------------------------------------------------- sessions
@pytest.fixture(scope="module")
def session_file(tmp_path_factory):
    from core.data import load_dataset

    t = Trainer(load_dataset("circles", n_samples=100), TrainConfig(hidden=(4,),
                                                                    optimizer="adam"))
    t.train(1)
    return save_session(tmp_path_factory.mktemp("session") / "good.bpsession", t,
                        {"tab": 1})


def rebuilt_session(good, path, replace=None, add=None, document_change=None):
    """A copy of the session ``good`` with members replaced or added (name -> bytes)."""
    with zipfile.ZipFile(good) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    if document_change is not None:
        document = json.loads(str(np.load(io.BytesIO(members["document.npy"]))[()]))
        document_change(document)
        members["document.npy"] = npy_of(np.array(json.dumps(document)))
    members.update(replace or {})
    members.update(add or {})
    return write_zip(path, members, deflate=set((replace or {}) | (add or {})))


def session_bombs(good, folder):
    """{case: (path, words its error must contain)} of sessions crafted from ``good``."""
    folder.mkdir(parents=True, exist_ok=True)
    n = BOMB_BYTES // 8
    sizes = read_archive(good, "session")[0]["network"]["sizes"]
    n_params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return {
        "params_shape": (rebuilt_session(
            good, folder / "params.bpsession",
            replace={"state.params.0.npy": (npy((n // 8, 8)), BOMB_BYTES)}),
            ["state.params.0", f"expected {(sizes[0], sizes[1])}", "-".join(map(str, sizes))]),
        "buffer_index": (rebuilt_session(
            good, folder / "buffer.bpsession",
            add={"state.optimizer.buffers.exp_avg.99.npy": (npy((n,)), BOMB_BYTES)}),
            ["state.optimizer.buffers.exp_avg.99", f"at most {n_params}"]),
        "history_header": (rebuilt_session(
            good, folder / "history.bpsession",
            replace={"state.history.data.npy": npy((6, 10**12), data=bytes(48))}),
            ["state.history.data", "holds"]),
        "huge_network": (rebuilt_session(
            good, folder / "network.bpsession",
            document_change=lambda d: d["network"].update(
                sizes=[2, 10**6, 10**6, 1], activations=["tanh", "tanh", "sigmoid"])),
            ["2-1000000-1000000-1", f"{MAX_PARAMETERS:,}"]),
    }


SESSION_CASES = ["params_shape", "buffer_index", "history_header", "huge_network"]


@pytest.fixture(scope="module")
def crafted_sessions(session_file, tmp_path_factory):
    return session_bombs(session_file, tmp_path_factory.mktemp("sessions"))


def test_the_unchanged_copy_of_a_session_opens(session_file, tmp_path):
    trainer, ui_state = load_session(rebuilt_session(session_file, tmp_path / "copy.bpsession"))
    assert trainer.epoch == 1 and ui_state == {"tab": 1}


@pytest.mark.parametrize("case", SESSION_CASES)
def test_crafted_sessions_are_refused_before_reading(crafted_sessions, case):
    path, words = crafted_sessions[case]
    assert path.stat().st_size < 2**20
    message, peak = peak_while(lambda: load_session(path))
    assert peak < PEAK_LIMIT, f"{case}: {peak:,} bytes allocated"
    assert str(path) in message
    for word in words:
        assert word in message, (case, message)


@pytest.mark.parametrize("case", ["params_shape", "history_header"])
def test_cli_refuses_crafted_sessions(crafted_sessions, case, capsys):
    path, words = crafted_sessions[case]
    code = cli_main(["--load-session", str(path), "--epochs", "3"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert all(word in err for word in words), err


def test_archives_written_by_the_app_still_read(session_file, tmp_path, circles):
    """The checks refuse nothing the app writes: weights and a session with every part."""
    t = Trainer(circles, TrainConfig(hidden=(5, 3), optimizer="adam", dtype="float32"))
    t.train(2)
    read_weights(save_weights(tmp_path / "w.npz", t))
    document, arrays = read_archive(save_session(tmp_path / "s.bpsession", t), "session")
    assert document["network"]["sizes"] == [2, 5, 3, 1] and "state.params.0" in arrays
    write_archive(tmp_path / "again.bpsession", document, arrays)
    reopened, _ = load_session(tmp_path / "again.bpsession")
    assert reopened.step_count == t.step_count


# ----------------------------------------------------------------------------- JSON weights
def _json_weights(path, sizes, layers):
    path.write_text(json.dumps({"format": "backprop-studio-weights",
                                "meta": weights_meta(sizes), "layers": layers}))
    return path


def test_json_weights_meta_is_checked_before_the_layers_are_converted(tmp_path):
    rows = [[0.0] * 300] * 300  # 90,000 numbers where the meta promises ~1e10
    path = _json_weights(tmp_path / "w.json", [100_000, 100_000, 1],
                         [{"weight": rows, "bias": [0.0]}] * 2)
    with pytest.raises(UserInputError) as info:
        read_weights(path)
    assert "100000-100000-1" in str(info.value) and f"{MAX_PARAMETERS:,}" in str(info.value)
    wrong_count = _json_weights(tmp_path / "n.json", [2, 3, 1], [{"weight": [[0.0]]}] * 50)
    with pytest.raises(UserInputError, match="50 layers listed for layer sizes"):
        read_weights(wrong_count)


def test_json_weights_larger_than_the_largest_network_needs_are_refused(tmp_path, monkeypatch):
    from core.io import weights_json

    monkeypatch.setattr(weights_json, "MAX_JSON_BYTES", 1000)
    path = _json_weights(tmp_path / "w.json", [2, 3, 1], [{"weight": [[0.0] * 300] * 2}])
    with pytest.raises(UserInputError, match=r"more than the 1,000 a JSON weights file"):
        read_weights(path)
