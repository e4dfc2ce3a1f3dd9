"""The source text of an exported model (``string.Template``; ``$name`` are filled in).

The functions below mirror the engine's formulas operation for operation (the input pipeline
in ``core.data.pipeline``, the activations in ``core.nn.activations``, the forward pass in
``core.train.metrics.outputs``), so the exported model predicts what the app predicts, to the last
bit on the same machine.
"""

#: The module docstring's text (plain text, not yet a literal: ``python_export`` turns it into
#: a safely escaped ``"""..."""`` literal, and every user-given name in it is already quoted).
DOC = """$title

$description

Needs only NumPy. From Python:

    import numpy as np
    from $module import predict$class_import

    X = np.array([[$example_row]])  # (n, $n_inputs) raw inputs: $input_list
    outputs = predict(X)  # (n, $n_outputs) network outputs$class_usage

From the command line (one output line per input row; a header row is optional, and with one
the input columns are picked by name, so the original data file works too):

    python $filename inputs.csv            # output columns named on stderr
    python $filename --header inputs.csv   # ... or as the first CSV row

Output columns: $output_columns.
"""

BODY = '''
import csv
import sys

import numpy as np

DTYPE = np.$dtype
TASK = $task
INPUT_NAMES = $input_names
$names_line
FEATURES = $features
MEAN = $mean
STD = $std

# (W (fan_in, fan_out), b (fan_out,), activation) per layer: z = a @ W + b, a = f(z).
LAYERS = [
$layers]


# ---- activations (the engine's formulas, overflow-free in float32 and float64) ----
def sigmoid(z):
    limit = 88.0 if z.dtype == np.float32 else 709.0
    t = np.maximum(z, -limit)
    np.negative(t, out=t)
    np.exp(t, out=t)
    t += 1.0
    return np.divide(1.0, t, out=t)


def softmax(z):
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


ACTIVATIONS = {
    "identity": lambda z: z,
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.maximum(z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0.0))),
    "softplus": lambda z: np.logaddexp(0.0, z),
    "silu": lambda z: z * sigmoid(z),
    "softmax": softmax,
}

DERIVED = {
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def transform(X):
    """Raw inputs (n, d) -> network inputs (n, d_net): derived features, then scaling."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(INPUT_NAMES):
        raise ValueError(f"expected inputs of shape (n, {len(INPUT_NAMES)}) "
                         f"({', '.join(INPUT_NAMES)}), got {X.shape}")
    if FEATURES:
        x1, x2 = X[:, 0], X[:, 1]
        X = np.column_stack([X] + [DERIVED[name](x1, x2) for name in FEATURES])
    if MEAN is not None:
        X = (X - MEAN) / STD
    return np.ascontiguousarray(X, dtype=DTYPE)


def predict(X):
    """Network outputs (n, $n_outputs) for raw inputs X (n, $n_inputs)."""
    a = transform(X)
    for W, b, activation in LAYERS:
        z = a @ W
        z += b
        a = ACTIVATIONS[activation](z)
    return a
'''

CLASSIFY = '''

def predict_proba(X):
    """Class scores (n, $n_classes), in CLASS_NAMES order (probabilities for $link outputs)."""
    a = predict(X)
    if TASK == "binary":
        return np.column_stack([1.0 - a[:, 0], a[:, 0]])
    return a


def predict_class(X):
    """Predicted class name per row of X (n, $n_inputs): an array of n strings."""
    a = predict(X)
    index = (a[:, 0] > 0.5).astype(int) if TASK == "binary" else np.argmax(a, axis=1)
    return np.array(CLASS_NAMES)[index]


OUTPUT_COLUMNS = ["class"] + [f"p({name})" for name in CLASS_NAMES]


def output_rows(X):
    """One CSV row per input: the class name, then the score of every class."""
    for name, scores in zip(predict_class(X), predict_proba(X)):
        yield [str(name)] + [repr(float(s)) for s in scores]
'''

REGRESS = '''

OUTPUT_COLUMNS = list(TARGET_NAMES)


def output_rows(X):
    """One CSV row per input: the predicted value of every target (TARGET_NAMES)."""
    for values in predict(X):
        yield [repr(float(v)) for v in values]
'''

SCRIPT = '''

def read_inputs(path):
    """Rows of raw inputs (n, d) from a CSV file ("-" reads standard input)."""
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    # Split at "\\n" only: str.splitlines would also split at \\x0b, \\u2028 and others, and
    # csv.reader needs whole lines to read quoted cells that span lines.
    lines = [line + "\\n" for line in text.split("\\n")]
    first = next((line for line in lines if line.strip()), "")
    delimiter = max(",;\\t", key=first.count)
    rows = [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)
            if any(cell.strip() for cell in row)]
    columns, by_name = list(range(len(INPUT_NAMES))), False
    if rows and not all(_parses(cell) for cell in rows[0]):
        header = rows.pop(0)
        if all(name in header for name in INPUT_NAMES):
            columns, by_name = [header.index(name) for name in INPUT_NAMES], True
    if not rows:
        raise ValueError(f"{path}: no data rows; expected rows of {len(INPUT_NAMES)} numbers "
                         f"({', '.join(INPUT_NAMES)})")
    X = np.empty((len(rows), len(INPUT_NAMES)))
    for i, row in enumerate(rows):
        fits = max(columns) < len(row) if by_name else len(row) == len(INPUT_NAMES)
        if not fits:
            raise ValueError(f"{path}, data row {i + 1}: expected {len(INPUT_NAMES)} numbers "
                             f"({', '.join(INPUT_NAMES)}), got {row}")
        for name, j in zip(INPUT_NAMES, columns):
            if not _is_number(row[j]):
                raise ValueError(f"{path}, data row {i + 1}, column {name!r}: {row[j]!r} is "
                                 "not a finite number")
        X[i] = [float(row[j]) for j in columns]
    return X


def _parses(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_number(text):
    return _parses(text) and bool(np.isfinite(float(text)))


def main(argv):
    header = "--header" in argv
    argv = [a for a in argv if a != "--header"]
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    try:
        X = read_inputs(argv[0])
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, lineterminator="\\n")
    # The output columns: on stderr (the data on stdout stay pure numbers), or with --header
    # as the first CSV row.
    if header:
        writer.writerow(OUTPUT_COLUMNS)
    else:
        print("columns: " + ", ".join(OUTPUT_COLUMNS), file=sys.stderr)
    for row in output_rows(X):
        writer.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''
