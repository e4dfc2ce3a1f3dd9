"""What the diagram shows of a step-through: the band, value labels, edge colours, hovers.

After phase ``index`` of a ``PhaseBook`` has been advanced, every phase up to it is known:

- forward of layer l: its neurons show ``z`` and ``a``, earlier layers only ``a`` (the input
  column ``x``); the edges into it show their weights ``w``;
- loss: output neurons also show the target ``y`` (and the first one the loss ``L``);
- backward of layer l: its neurons show ``δ`` (layers not reached yet only ``a``, the
  ``a_prev`` of ``∂L/∂w = a_prev·δ``); its edges show ``∂L/∂w`` and every layer done so far
  is coloured by ``∂L/∂w`` (the others are faint: not computed yet);
- update: edges are coloured by ``Δw`` and show it (all of them on the smallest networks,
  else those into the selected neuron); neurons show ``Δb``.

Numbers are for one example of the batch, or for the batch (means of ``x``, ``z``, ``a``;
sums of ``δ`` and ``∂L/∂w``, as ``core.teach.equations``). Labels are drawn only on small networks
(≤ ``MAX_LABELLED_NEURONS`` neurons, ≤ ``MAX_LABELLED_EDGES`` labelled edges); hovering
any neuron or edge shows the same numbers on every network.
"""

MAX_LABELLED_NEURONS = 40
MAX_LABELLED_EDGES = 30
#: The update labels every layer's edges at once: only when this few, else only the edges
#: into the selected neuron (the new weights are in its equations and on hover).
MAX_UPDATE_EDGES = 12


def num(value, digits=4):
    """A number on the diagram: ``digits`` significant digits, a real minus sign, no "−0"."""
    return f"{float(value) + 0.0:.{digits}g}".replace("-", "−")


def _pick(array, example, reduce):
    if example is not None:
        return array[example]
    return array.mean(axis=0) if reduce == "mean" else array.sum(axis=0)


class PhaseState:
    """What is known after phase ``index`` of ``book``, for ``example`` (None = batch)."""

    def __init__(self, book, index, example=None):
        self.book, self.index, self.example = book, index, example
        self.phase = book.phases[index] if index >= 0 else None
        self.forward, self.backward, self.loss, self.update = {}, {}, None, None
        for phase, result in zip(book.phases[: index + 1], book.phase_results, strict=False):
            if phase.kind == "forward":
                self.forward[phase.layer] = result
            elif phase.kind == "backward":
                self.backward[phase.layer] = result
            elif phase.kind == "loss":
                self.loss = result
            else:
                self.update = result
        self.n_layers = len(book.activation_names)

    # -- numbers ----------------------------------------------------------------------------
    def neuron_values(self, column, unit):
        """``[(name, value)]`` known for unit ``unit`` of ``column`` (0 = input)."""
        ex = self.example
        if column == 0:
            first = self.forward.get(0)
            return [] if first is None else [("x", _pick(first["x"][:, unit], ex, "mean"))]
        layer = column - 1
        out = []
        f = self.forward.get(layer)
        if f is not None:
            out += [("z", _pick(f["z"][:, unit], ex, "mean")),
                    ("a", _pick(f["a"][:, unit], ex, "mean"))]
        if self.loss is not None and layer == self.n_layers - 1:
            out += self._loss_values(unit)
        b = self.backward.get(layer)
        if b is not None:
            out.append(("δ", _pick(b["delta"][:, unit], ex, "sum")))
        if self.update is not None:
            out += [("Δb", self.update["b_change"][layer][unit]),
                    ("b→", self.update["b_after"][layer][unit])]
        return out

    def _loss_values(self, unit):
        loss, ex = self.loss, self.example
        out = [("y", _pick(loss["target"][:, unit], ex, "mean"))]
        if unit == 0:
            value = loss.values["data_loss"] if ex is None else loss["example_loss"][ex]
            out.append(("L", value))
        return out

    def edge_values(self, pair, i, j):
        """``[(name, value)]`` known for the weight ``W[pair][i, j]``."""
        ex = self.example
        out = []
        f = self.forward.get(pair)
        if f is not None:
            out.append(("w", f["W"][i, j]))
        b = self.backward.get(pair)
        if b is not None:
            grad = b["grad_W_data"][i, j] if ex is None else b["x"][ex, i] * b["delta"][ex, j]
            out.append(("∂L/∂w", grad))
        if self.update is not None:
            out += [("Δw", self.update["W_change"][pair][i, j]),
                    ("w→", self.update["W_after"][pair][i, j])]
        return out

    # -- what to draw -----------------------------------------------------------------------
    def band(self):
        """``(column or None, kind)`` of the band: the layer the current phase computes."""
        p = self.phase
        if p is None or p.kind == "update":
            return None, "update"
        if p.kind == "loss":
            return self.n_layers, "loss"
        return p.layer + 1, p.kind

    def neuron_label(self, column, unit):
        """Label text: the layer being computed in detail (``z`` and ``a``; at the loss
        ``a``, ``y``, ``L``; ``δ``; ``Δb``), other layers only what flows on (``x``/``a``)."""
        values = dict(self.neuron_values(column, unit))
        p = self.phase
        if column == 0:
            keys = () if self.update is not None else ("x",)
        elif self.update is not None:
            keys = ("Δb",)
        elif column - 1 in self.backward:
            keys = ("δ",)
        elif p.kind == "forward" and p.layer == column - 1:
            keys = ("z", "a")
        elif p.kind == "loss":
            keys = ("a", "y", "L")
        else:
            keys = ("a",)
        shown = [f"{k}={num(values[k])}" for k in keys if k in values]
        return "\n".join(shown) or None

    def labelled_pairs(self):
        """Layer pairs whose edges get labels now: the current layer, or all at update."""
        p = self.phase
        if p is None or p.kind == "loss":
            return []
        if p.kind == "update":
            return list(range(self.n_layers))
        return [p.layer]

    def edge_label(self, pair, i, j):
        values = dict(self.edge_values(pair, i, j))
        if self.update is not None:
            return f"Δw={num(values['Δw'], 3)}"
        if pair in self.backward:
            return num(values["∂L/∂w"], 3)
        return f"w={num(values['w'], 3)}"

    def edge_colours(self):
        """Per layer, the matrix edges are coloured by (None = the user's edge mode)."""
        if self.update is not None:
            return list(self.update["W_change"])
        if self.backward:
            return [self.backward[k]["grad_W"] if k in self.backward else None
                    for k in range(self.n_layers)]
        return None

    def hover(self, kind, key):
        """Tooltip lines for a neuron ``(column, unit)`` or an edge ``(pair, i, j)``."""
        values = self.neuron_values(*key) if kind == "neuron" else self.edge_values(*key)
        if not values or self.phase is None:
            return None
        which = "batch" if self.example is None else f"example {self.example + 1}"
        parts = ", ".join(f"{k} = {num(v)}" for k, v in values)
        return f"Step-through ({self.phase.title}, {which}): {parts}"


def _edge_keys(state, sizes, selected):
    """``(pair, i, j)`` of the edges to label now (empty when too many)."""
    pairs = state.labelled_pairs()
    total = sum(sizes[p] * sizes[p + 1] for p in pairs)
    if state.update is not None and total > MAX_UPDATE_EDGES:
        if selected is None or selected[0] == 0:
            return []
        column, unit = selected
        return [(column - 1, i, unit) for i in range(sizes[column - 1])]
    if total > MAX_LABELLED_EDGES:
        return []
    return [(p, i, j) for p in pairs for i in range(sizes[p]) for j in range(sizes[p + 1])]


def labels_for(state, sizes, selected=None):
    """``(neuron texts, edge texts)`` for layer ``sizes`` (input … output); both empty when
    the network is too big to label (hover instead). ``selected`` is the neuron
    ``(column, unit)`` whose equations are open, or None."""
    if state.phase is None or sum(sizes) > MAX_LABELLED_NEURONS:
        return {}, {}
    neurons = {}
    for column, size in enumerate(sizes):
        for unit in range(size):
            text = state.neuron_label(column, unit)
            if text:
                neurons[(column, unit)] = text
    edges = {key: state.edge_label(*key) for key in _edge_keys(state, sizes, selected)}
    return neurons, edges


class StepOverlay:
    """Shows a ``PhaseState`` on a ``NetworkDiagram`` and takes it away again."""

    def __init__(self, diagram):
        self.diagram = diagram
        self.state = None

    def show(self, book, index, example=None, selected=None):
        self.state = state = PhaseState(book, index, example)
        sizes = self.diagram.sizes()
        if sizes is None:
            return
        column, kind = state.band()
        neurons, edges = labels_for(state, sizes, selected)
        self.diagram.set_annotations(column, kind, neurons, edges)
        self.diagram.set_edge_values(state.edge_colours())
        self.diagram.set_hover_extra(state.hover)

    def clear(self):
        self.state = None
        self.diagram.clear_annotations()
