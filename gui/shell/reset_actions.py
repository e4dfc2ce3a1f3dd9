"""Reset: new initial weights by default (a new seed, as TensorFlow Playground does), or the
same initial weights again (the run's seed) from the Reset button's drop-down or Shift+R.

The new seed is shown in the Hyperparameters panel's Seed box, so a run stays reproducible:
typing that seed back gives the same start.
"""

import dataclasses
import random

MAX_SEED = 2**31 - 1


def new_seed(current, rng=random):
    """A seed in ``[0, MAX_SEED]`` different from ``current``."""
    while True:
        seed = rng.randint(0, MAX_SEED)
        if seed != current:
            return seed


def reset_with_new_weights(window):
    """A fresh network from a new seed; the Seed box shows it. Returns the new seed."""
    session = window.session
    seed = new_seed(session.config.seed)
    window.hyper_panel.set_from_config(dataclasses.replace(session.config, seed=seed))
    session.update_config({"seed": seed},
                          note=f"Network reset with new initial weights (seed {seed}). "
                               "Shift+R resets to these same weights.",
                          what=f"reset with new initial weights (seed {seed})")
    return seed


def reset_with_same_weights(window):
    """A fresh network from the run's own seed: exactly the initial weights it had."""
    seed = window.session.config.seed
    window.session.reset(note=f"Network reset to the same initial weights (seed {seed}).",
                         what=f"reset to the same initial weights (seed {seed})")


def install_reset(window):
    """Connect the transport's two resets to ``window``'s session."""
    window.transport.resetRequested.connect(lambda: reset_with_new_weights(window))
    window.transport.resetSameRequested.connect(lambda: reset_with_same_weights(window))
