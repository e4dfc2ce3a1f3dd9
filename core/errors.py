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
        Index of the first layer holding a non-finite value, or None when only the loss was.
    what : str
        Which quantity blew up, e.g. ``"loss"`` or ``"weights"``.
    """

    def __init__(self, step, layer, what):
        self.step = step
        self.layer = layer
        self.what = what
        where = f" in layer {layer + 1}" if layer is not None else ""
        super().__init__(
            f"Training diverged at step {step}: the {what}{where} became infinite or NaN. "
            "Lower the learning rate, add gradient clipping, or reset the network."
        )
