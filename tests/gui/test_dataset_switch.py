"""Picking another dataset through the real window: the output and loss adapt to its task,
the status line says so, and the panel never shows a tile over another dataset's views."""

import pytest

from core.data import load_dataset
from core.train.config import TrainConfig


@pytest.fixture
def window(qtbot):
    from gui.shell.window import MainWindow

    w = MainWindow(load_dataset("circles"),
                   TrainConfig(output_activation="sigmoid", loss="bce", epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _tile(window, name):
    return next(t for t in window.dataset_panel._tiles.buttons() if t.dataset_name == name)


def _choose(qtbot, window, name):
    with qtbot.waitSignal(window.session.trainerChanged):
        _tile(window, name).click()


def _shown(window):
    """(dataset the views show, checked tile, output activation and loss of the network)."""
    info = window.session.info
    return (info.dataset.name, window.dataset_panel._tiles.checked_name(),
            info.config.output_activation, info.config.loss)


@pytest.mark.parametrize("name, output, loss, words", [
    ("blobs", "softmax", "cce", "3 classes"),
    ("squares_sum", "identity", "mse", "regression"),
])
def test_switching_task_adapts_output_and_loss(qtbot, window, name, output, loss, words):
    messages = []
    window.session.message.connect(messages.append)
    _choose(qtbot, window, name)
    assert _shown(window) == (name, name, output, loss)
    note = messages[-1]
    assert f"Auto ({output} + {loss}) for {words}" in note and "sigmoid + bce" in note
    assert window.statusBar().currentMessage() == note
    hyper = window.hyper_panel
    assert hyper.output_activation.currentData() is None and hyper.loss.currentData() is None
    assert hyper.output_activation.currentText() == f"Auto ({output})"
    assert not hyper.compat_label.isVisibleTo(hyper)


def test_back_to_two_classes_gives_sigmoid_and_bce(qtbot, window):
    _choose(qtbot, window, "blobs")
    _choose(qtbot, window, "squares_sum")
    _choose(qtbot, window, "moons")
    assert _shown(window) == ("moons", "moons", "sigmoid", "bce")


def test_a_choice_that_fits_is_kept(qtbot, window):
    """identity + mse on two classes trains and means something: the switch keeps it."""
    hyper = window.hyper_panel
    with qtbot.waitSignal(window.session.trainerChanged):
        hyper.loss.setCurrentIndex(hyper.loss.findData("mse"))
    _choose(qtbot, window, "xor_quadrants")
    assert _shown(window) == ("xor_quadrants", "xor_quadrants", "sigmoid", "mse")
    assert hyper.loss.currentData() == "mse"


def test_a_network_that_cannot_be_built_leaves_the_tile_on_the_shown_data(qtbot, window):
    """The hidden layers too large for the digits (64 inputs): the error is shown and the
    checked tile is the data the views still show."""
    import gui.running.session  # noqa: F401 - the limit is read by TrainConfig.validate
    from core.train import config as config_module

    errors = []
    window.session.error.connect(errors.append)
    limit = config_module.MAX_PARAMETERS
    config_module.MAX_PARAMETERS = 200  # circles' 2-8-8-1 fits, digits' 64-8-8-10 does not
    try:
        _tile(window, "digits").click()
    finally:
        config_module.MAX_PARAMETERS = limit
    assert errors and "parameters" in errors[-1]
    assert _shown(window)[:2] == ("circles", "circles")


def test_conflict_message_suggests_the_loss_that_works(qtbot, window):
    """softmax with bce on 3 classes: the fix offered is cce (not mse)."""
    _choose(qtbot, window, "blobs")
    hyper = window.hyper_panel
    hyper.output_activation.setCurrentIndex(hyper.output_activation.findData("softmax"))
    hyper.loss.setCurrentIndex(hyper.loss.findData("bce"))
    text = hyper.compat_label.text()
    assert "choose the loss 'cce'" in text and "mse" not in text


def test_image_data_shows_its_images_tab_before_the_views_reset(qtbot, window):
    """On pixel data the window switches to the images first, so the decision surface resets
    hidden and does not draw every training row over two pixels (0.8 s on MNIST)."""
    decision = window.decision_view
    assert decision.isVisible() and len(decision.train_scatter.data) > 0  # circles, shown
    seen = []
    window.session.trainerChanging.connect(
        lambda info: seen.append((window.tabs.currentWidget() is window.digits_view,
                                  len(decision.train_scatter.data))))
    _choose(qtbot, window, "digits")
    assert seen == [(True, len(load_dataset("circles").X_train))]  # switched, then reset
    assert not decision.isVisible() and len(decision.train_scatter.data) == 0
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(decision.isVisible)
    window.session.step()  # the next snapshot draws the points on the shown surface
    digits = window.session.dataset
    qtbot.waitUntil(lambda: len(decision.train_scatter.data) == digits.n_train, timeout=10000)
