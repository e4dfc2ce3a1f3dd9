"""Export a trained network as one standalone Python file that needs only NumPy.

The file embeds the weights as Python float literals (``repr`` is the shortest text that reads
back as the same float, so nothing is rounded), the input pipeline (derived features and
standardisation statistics) and the activations, and exposes ``predict(X)`` (raw inputs
(n, d) -> network outputs (n, k)) and, for classification, ``predict_class(X)`` and
``predict_proba(X)``. Run as a script, ``python model.py inputs.csv`` prints one CSV line per
input row.

Nothing a user typed is ever pasted into the code as code: names (file, dataset, columns,
classes, CSV path) go into the code as ``repr`` literals, and into the module docstring only
quoted (``shown``) inside a literal in which every quote and backslash is escaped
(``docstring_literal``), so no name can end the docstring, start a line of code or hide a
control character.
"""

import ast
import datetime
import keyword
import math
import shlex
import textwrap
from pathlib import Path
from string import Template

from core.io import python_template as tpl
from core.io.atomic import atomic_write_text

_WIDTH = 96


def export_python(path, trainer):
    """Write ``trainer``'s network as a standalone ``.py`` file.

    Parameters
    ----------
    path : str or Path
        Target file (``*.py``); written atomically.
    trainer : Trainer

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        The file cannot be written, or the weights are not finite (nothing is written).
    """
    from core.errors import UserInputError

    path = Path(path)
    for p in trainer.network.params():
        if not all(math.isfinite(v) for v in p.ravel().tolist()):
            raise UserInputError(f"Cannot export {path.name}: the network holds NaN or "
                                 "infinite weights. Reset it or load earlier weights first.")
    return atomic_write_text(path, python_source(trainer, path))


def python_source(trainer, path=Path("model.py")):
    """The text of the exported module for ``trainer`` (see ``export_python``)."""
    values = _header_values(trainer, path)
    values.update(_code_values(trainer))
    classify = trainer.dataset.task != "regression"
    doc = docstring_literal(Template(tpl.DOC).substitute(values))
    parts = [tpl.BODY, tpl.CLASSIFY if classify else tpl.REGRESS, tpl.SCRIPT]
    return doc + "\n" + "".join(Template(part).substitute(values) for part in parts)


def shown(value):
    """User text as the docstring shows it: as is when it is plain printable text without
    quotes or backslashes, otherwise as its Python literal (``repr``), so a newline or a
    control character in a name can never start a new line of the docstring."""
    text = str(value)
    if text.isprintable() and not any(c in text for c in "\"'\\`"):
        return text
    return repr(text)


def docstring_literal(text):
    """``text`` as a triple-quoted Python literal that reads back exactly as ``text``.

    Every backslash and every double quote is escaped, so nothing inside can close the
    literal; characters that are not printable (other than the newlines of the text
    itself) are written as escapes, so none can confuse an editor or the tokenizer.
    """
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n" or ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])  # e.g. \x00, \u2028, \ud800
    literal = '"""' + "".join(out) + '"""'
    if ast.literal_eval(literal) != text:  # a guard: the escaping above must be exact
        raise RuntimeError("docstring escaping failed; please report this as a bug")
    return literal


def _command_name(path):
    """The file name as a shell word for the usage lines (a placeholder if unprintable)."""
    return shlex.quote(path.name) if path.name.isprintable() else "<this file>"


def _names(values):
    return ", ".join(shown(v) for v in values)


def _header_values(trainer, path):
    ds, net = trainer.dataset, trainer.network
    classify = ds.task != "regression"
    names = list(ds.input_names)
    stem = path.stem
    plain = stem.isascii() and stem.isidentifier() and not keyword.iskeyword(stem)
    module = stem if plain else "model"
    return {
        "title": (f"A {_arch(net)} neural network trained on {ds.name!r}, exported "
                  f"from Backprop Studio."),
        "description": describe(trainer),
        "module": module,
        "filename": _command_name(path),
        "class_import": ", predict_class" if classify else "",
        "class_usage": ("\n    labels = predict_class(X)  # (n,) class names"
                        if classify else ""),
        "example_row": ", ".join("0.0" for _ in names),
        "n_inputs": len(names),
        "n_outputs": net.sizes[-1],
        "input_list": _names(names),
        "output_columns": (_names(["class", *(f"p({n})" for n in ds.target_names)])
                           if classify else _names(ds.target_names)),
        "n_classes": ds.n_classes,
        "link": "sigmoid" if ds.task == "binary" else "softmax",
    }


def _arch(net):
    return "-".join(str(s) for s in net.sizes)


def describe(trainer):
    """Plain-text lines about the network, data and training, for the docstring header."""
    ds, cfg, net, pipe = trainer.dataset, trainer.config, trainer.network, trainer.pipeline
    scaling = "standardised with the training mean and std" if pipe.standardize else "raw"
    last = trainer.history.last()
    result = "" if last is None else (
        f"; last epoch: train loss {last['train_loss']:.4g}, test {trainer.metric_name} "
        f"{_metric(trainer.metric_name, last['test_metric'])}")
    lines = [
        f"Exported : {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"Network  : layer sizes {_arch(net)}, activations {', '.join(net.activation_names)}, "
        f"{net.dtype.name}",
        f"Dataset  : {_describe_spec(ds)}",
        f"Task     : {ds.task}; {'targets' if ds.task == 'regression' else 'classes'}: "
        f"{_names(ds.target_names)}",
        f"Inputs   : {_names(ds.input_names)}",
        f"Pipeline : derived features {', '.join(pipe.features) or 'none'}; network inputs "
        f"{scaling}",
        f"Training : {cfg.optimizer}, learning rate {cfg.lr:g}, loss {cfg.loss}, "
        f"{trainer.epoch} epochs ({trainer.step_count} steps){result}",
    ]
    return "\n".join(textwrap.fill(line, _WIDTH, subsequent_indent=" " * 11,
                                   break_on_hyphens=False, break_long_words=False)
                     for line in lines)


def _metric(name, value):
    if math.isnan(value):
        return "n/a (no test rows)"
    return f"{100 * value:.2f}%" if name == "accuracy" else f"{value:.4f}"


def _describe_spec(ds):
    spec = ds.spec
    source = spec.get("source")
    if source == "generator":
        return (f"{shown(ds.name)} (generated: {shown(spec.get('n_samples'))} samples, noise "
                f"{shown(spec.get('noise'))}, seed {shown(spec.get('seed'))})")
    if source == "csv":
        return f"CSV file {shown(spec.get('path'))} (sha256 {shown(spec.get('sha256'))})"
    if source == "builtin":
        return f"{shown(ds.name)} (shipped with Backprop Studio)"
    return f"{shown(ds.name)} ({ds.n_train + ds.n_test} rows given directly)"


def _code_values(trainer):
    ds, net, pipe = trainer.dataset, trainer.network, trainer.pipeline
    names_kind = "TARGET_NAMES" if ds.task == "regression" else "CLASS_NAMES"
    return {
        "dtype": net.dtype.name,
        "task": repr(ds.task),
        "input_names": repr(list(ds.input_names)),
        "names_line": f"{names_kind} = {list(map(str, ds.target_names))!r}",
        "features": repr(list(pipe.features)),
        "mean": _vector(pipe.mean, "np.float64"),
        "std": _vector(pipe.std, "np.float64"),
        "layers": "".join(_layer(layer) for layer in net.layers),
    }


def _numbers(values, indent):
    """Comma-separated exact float literals, wrapped to the line width."""
    text = ", ".join(repr(float(v)) for v in values)
    return textwrap.fill(text, _WIDTH, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False)


def _vector(values, dtype):
    if values is None:
        return "None"
    return f"np.array([\n{_numbers(values.tolist(), '    ')}\n], dtype={dtype})"


def _layer(layer):
    rows = "\n".join(f"            [\n{_numbers(row, ' ' * 16)}\n            ],"
                     for row in layer.W.tolist())
    return (f"    (  # {layer.fan_in} -> {layer.fan_out}, {shown(layer.activation.name)}\n"
            f"        np.array([\n{rows}\n        ], dtype=DTYPE),\n"
            f"        np.array([\n{_numbers(layer.b.tolist(), ' ' * 12)}\n"
            f"        ], dtype=DTYPE),\n"
            f"        {layer.activation.name!r},\n    ),\n")
