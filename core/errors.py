"""Errors the engine raises for the user to read."""


class UserInputError(ValueError):
    """Bad user input: the message says what is wrong, where, and how to fix it."""


class TrainingDiverged(RuntimeError):
    """Training produced a non-finite loss or weight.

    Attributes
    ----------
    step : int
        The training step (1-based count of updates) at which it happened.
    layer : int or None
        Index of the layer where it happened (the first non-finite one, or for an overflowing
        loss the one whose outputs grew largest; see ``core.nn.divergence``), or None if unknown.
    what : str
        Which quantity blew up, e.g. ``"loss"`` or ``"weights"``.
    detail : str
        How the layer was found, e.g. ``"the outputs of layer 3 grew to 1e+200"`` (may be
        empty).
    """

    def __init__(self, step, layer, what, detail=""):
        self.step = step
        self.layer = layer
        self.what = what
        self.detail = detail
        where = f" in layer {layer + 1}" if layer is not None else ""
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"Training diverged at step {step}{where}: the {what} became infinite or NaN{why}. "
            "Lower the learning rate, add gradient clipping, or reset the network."
        )

    def __reduce__(self):
        """Pickle with the constructor's arguments (the default passes only the message)."""
        return type(self), (self.step, self.layer, self.what, self.detail)
