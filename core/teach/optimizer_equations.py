"""The optimizer's own update of one weight, as ``Equation`` data with its state.

``parameter_update(update, layer, unit, max_terms)`` gives, for the first ``max_terms``
incoming weights of a neuron and for its bias: the gradient the optimizer received ``g``
(the batch's, L1/L2 penalty and clipping included), the optimizer's formulas with their
numbers (SGD; the momentum buffer; Adam's m, v, m̂, v̂; Adagrad's sum; RMSprop's mean
square), the change ``Δ`` it applied and ``w ← w + Δw``. ``update`` is the update phase's
``PhaseResult`` of a ``core.teach.stepthrough.StepThrough`` (it holds the buffers before and after).
"""

from core.teach.equation_terms import Equation, Operand, sub


def _f(x):
    return float(x)


class _Chain:
    """Equations of one parameter's update, each result an operand of the next."""

    def __init__(self, name, note):
        self.name, self.note, self.eqs = name, note, []

    def add(self, lhs, formula, op, operands, result, **params):
        symbol = f"{lhs}[{self.name}]" if lhs not in ("Δ", "new") else lhs
        self.eqs.append(Equation("update", symbol, formula, op,
                                 tuple(Operand(s, _f(v)) for s, v in operands), _f(result),
                                 params))
        return _f(result)


def _buffers(update, which, index, select):
    """``{buffer: value}`` of parameter ``index`` (``select`` picks the element)."""
    prefix = f"state_{which}:"
    return {k[len(prefix):]: _f(select(v[index])) for k, v in update.arrays.items()
            if k.startswith(prefix)}


def _decayed(chain, h, g, w, decoupled=False):
    wd = h.get("weight_decay") or 0.0
    if not wd or decoupled:
        return g
    return chain.add("g′", "g + λ·w", "axpy", [("g", g), ("w", w)], g + wd * w, c=wd)


def _sgd(chain, h, t, g, w, before, after):
    lr, mu, keep = h["lr"], h.get("momentum") or 0.0, 1.0 - (h.get("dampening") or 0.0)
    g = _decayed(chain, h, g, w)
    if mu:
        buf = after["momentum_buffer"]
        if t == 1:
            chain.add("buf", "g (the first step starts the buffer at g)", "sum", [("g", g)], buf)
        else:
            chain.add("buf", f"μ·buf + {'(1−τ)·' if keep != 1.0 else ''}g", "linear",
                      [("buf", before["momentum_buffer"]), ("g", g)], buf, c1=mu, c2=keep)
        if h.get("nesterov"):
            g = chain.add("g″", "g + μ·buf (Nesterov)", "axpy", [("g", g), ("buf", buf)],
                          g + mu * buf, c=mu)
        else:
            g = buf
    return [("η", lr), ("g", g)], "−η·g", "product", {"sign": -1}


def _adam(chain, h, t, g, w, before, after, decoupled):
    (b1, b2), eps = h["betas"], h["eps"]
    g = _decayed(chain, h, g, w, decoupled)
    m = chain.add("m", "β₁·m + (1−β₁)·g", "ema", [("m", before["exp_avg"]), ("g", g)],
                  after["exp_avg"], beta=b1)
    v = chain.add("v", "β₂·v + (1−β₂)·g²", "ema_square", [("v", before["exp_avg_sq"]),
                                                            ("g", g)], after["exp_avg_sq"],
                  beta=b2)
    if h.get("amsgrad"):
        v = chain.add("v_max", "max(v_max, v)", "maximum",
                      [("v_max", before["max_exp_avg_sq"]), ("v", v)], after["max_exp_avg_sq"])
    m_hat = chain.add("m̂", "m/(1−β₁ᵗ)", "bias_correction", [("m", m)], m / (1 - b1**t),
                      beta=b1, t=t)
    v_hat = chain.add("v̂", "v/(1−β₂ᵗ)", "bias_correction", [("v", v)], v / (1 - b2**t),
                      beta=b2, t=t)
    operands = [("η", h["lr"]), ("m̂", m_hat), ("v̂", v_hat)]
    params = {"eps": eps}
    formula = "−η·m̂/(√v̂ + ε)"
    if decoupled and h.get("weight_decay"):
        operands.append(("w", w))
        params["decay"] = h["weight_decay"]
        formula += " − η·λ·w"
    return operands, formula, "adaptive_step", params


def _adagrad(chain, h, t, g, w, before, after):
    g = _decayed(chain, h, g, w)
    s = chain.add("s", "s + g²", "add_square", [("s", before["sum"]), ("g", g)], after["sum"])
    lr = h["lr"]
    if h.get("lr_decay"):
        c = 1.0 / (1.0 + (t - 1) * h["lr_decay"])
        lr = chain.add("η′", "η/(1 + (t−1)·decay)", "scale", [("η", lr)], lr * c, c=c)
    return [("η", lr), ("g", g), ("s", s)], "−η·g/(√s + ε)", "adaptive_step", {"eps": h["eps"]}


def _rmsprop(chain, h, t, g, w, before, after):
    alpha, eps, mu = h["alpha"], h["eps"], h.get("momentum") or 0.0
    g = _decayed(chain, h, g, w)
    v = chain.add("v", "α·v + (1−α)·g²", "ema_square", [("v", before["square_avg"]),
                                                         ("g", g)], after["square_avg"],
                  beta=alpha)
    if h.get("centered"):
        gbar = chain.add("ḡ", "α·ḡ + (1−α)·g", "ema", [("ḡ", before["grad_avg"]), ("g", g)],
                         after["grad_avg"], beta=alpha)
        v = chain.add("v′", "v − ḡ²", "sub_square", [("v", v), ("ḡ", gbar)], v - gbar**2)
    if not mu:
        return [("η", h["lr"]), ("g", g), ("v", v)], "−η·g/(√v + ε)", "adaptive_step", \
            {"eps": eps}
    u = chain.add("u", "g/(√v + ε)", "ratio", [("g", g), ("v", v)], g / (v**0.5 + eps),
                  eps=eps)
    buf = chain.add("buf", "μ·buf + u", "linear", [("buf", before["momentum_buffer"]),
                                                    ("u", u)], after["momentum_buffer"],
                    c1=mu, c2=1.0)
    return [("η", h["lr"]), ("buf", buf)], "−η·buf", "product", {"sign": -1}


_RULES = {"sgd": _sgd, "momentum": _sgd, "nesterov": _sgd, "adagrad": _adagrad,
          "rmsprop": _rmsprop}


def _parameter(update, name, index, select, before_w, grad, change, after_w, data_grad):
    v = update.values
    h = v["hyperparameters"]
    chain = _Chain(name, "")
    chain.add("g", "", "value", [], grad)
    before = _buffers(update, "before", index, select)
    after = _buffers(update, "after", index, select)
    args = (chain, h, v["t"], _f(grad), _f(before_w), before, after)
    optimizer = v["optimizer"]
    if optimizer in ("adam", "adamw"):
        operands, formula, op, params = _adam(*args, decoupled=optimizer == "adamw")
    else:
        operands, formula, op, params = _RULES[optimizer](*args)
    chain.add("Δ", formula, op, operands, change, **params)
    chain.add("new", f"{name} + Δ{name}", "sum", [(name, before_w), (f"Δ{name}", change)],
              after_w)
    chain.eqs[-1] = _renamed(chain.eqs[-1], f"{name} (new)")
    chain.eqs[-2] = _renamed(chain.eqs[-2], f"Δ{name}")
    extra = "" if data_grad is None or _f(data_grad) == _f(grad) else (
        "; the L1/L2 penalty and clipping make it differ from the data's gradient")
    chain.eqs[0] = _renamed(chain.eqs[0], f"g[{name}]",
                            note=f"∂L/∂{name} of the whole batch, as the optimizer received "
                                 f"it{extra}")
    return chain.eqs


def _renamed(eq, lhs, note=None):
    from dataclasses import replace

    return replace(eq, lhs=lhs, note=eq.note if note is None else note)


def parameter_update(update, layer, unit, max_terms=8, data_grads=None):
    """Equations of the update of neuron ``unit``'s first ``max_terms`` weights and its bias.

    ``data_grads``: ``(∂L/∂w (fan_in,), ∂L/∂b)`` of the data loss alone, to say when the
    gradient the optimizer received differs (penalty, clipping); None: not said.
    """
    a = update.arrays
    data_w, data_b = (None, None) if data_grads is None else data_grads
    eqs = []
    fan_in = a["W_before"][layer].shape[0]
    for i in range(min(fan_in, max_terms)):
        def pick(arr, i=i):
            return arr[i, unit]
        eqs += _parameter(update, f"w{sub(i)}", 2 * layer, pick, pick(a["W_before"][layer]),
                          pick(a["grad_W"][layer]), pick(a["W_change"][layer]),
                          pick(a["W_after"][layer]),
                          None if data_w is None else data_w[i])

    def pick_b(arr):
        return arr[unit]
    eqs += _parameter(update, "b", 2 * layer + 1, pick_b, pick_b(a["b_before"][layer]),
                      pick_b(a["grad_b"][layer]), pick_b(a["b_change"][layer]),
                      pick_b(a["b_after"][layer]), data_b)
    return eqs
