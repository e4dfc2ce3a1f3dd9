"""Views that are not on screen when the window opens are built the first time they are shown
or asked for (``gui.views.lazy_view``), and then show the current network and the latest
snapshot at once: in a dock tab, on a page, in an export, in a session file."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QDockWidget, QStackedWidget

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.snapshot import take_snapshot
from gui.export import operations
from gui.export.context_menu import VIEW_ACTION
from gui.export.ui_state import apply_ui_state, capture_ui_state
from gui.views.activation_curves import ActivationCurvesView
from gui.views.distributions import DistributionsView
from gui.views.heatmaps import WeightHeatmapsView
from gui.views.lazy_view import LazyView, view_of
from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker, shown_window


def placeholders(window):
    """Every ``LazyView`` of the window, by a readable name."""
    found = dict(window.lazy_views)
    found.update({cls.__name__: p for cls, p in window.analysis.placeholders.items()})
    found["GradientNormsView"] = window.norms.placeholder
    return found


def steps(qtbot, window, n=1, name="step"):
    for _ in range(n):
        with qtbot.waitSignal(window.session.snapshotShown, timeout=WORKER_TIMEOUT):
            action(window, name).trigger()


def weights_now(qtbot, window):
    return in_worker(qtbot, window, lambda t: [layer.W.copy() for layer in t.network.layers])


def raise_dock(qtbot, window, name, placeholder):
    window.findChild(QDockWidget, name).raise_()
    qtbot.waitUntil(placeholder.is_built, timeout=5000)
    return placeholder.view()


def pixels(path):
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    bits = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    return bits.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].copy()


def test_views_off_screen_at_start_are_not_built(window):
    assert [name for name, p in placeholders(window).items() if p.is_built()] == []
    plots = [item for view in window.findChildren(pg.GraphicsView)
             for item in view.scene().items() if isinstance(item, pg.PlotItem)]
    assert len(plots) <= 6  # the loss curves and the decision surface, not ~30
    assert window.findChild(QDialog, "drawingDialog") is None  # made when first opened


def test_re_arranging_the_docks_builds_only_the_one_that_comes_on_screen(qtbot, window):
    window.resize(1400, 1000)  # tall: "Inside the network" gets a row of its own
    lazy = placeholders(window)
    qtbot.waitUntil(lazy["weights_view"].is_built, timeout=5000)
    qtbot.wait(100)
    assert [name for name, p in lazy.items() if p.is_built()] == ["weights_view"]


def test_a_dock_tab_shown_first_builds_its_view_for_the_network_and_snapshot_now(qtbot, window):
    placeholder = window.lazy_views["weights_view"]
    with qtbot.waitSignal(window.session.trainerChanged, timeout=WORKER_TIMEOUT):
        window.session.set_hidden((5, 4, 3))  # a new network while the view is not built
    steps(qtbot, window, 2)  # snapshots arrive for it all the same
    assert not placeholder.is_built()
    view = raise_dock(qtbot, window, "inspectDock", placeholder)
    assert isinstance(view, WeightHeatmapsView) and len(view.cells) == 4
    menu = view.layout_widget.scene().contextMenu  # right-click "Export view…" as well
    assert any(a.objectName() == VIEW_ACTION for a in menu)
    for cell, W in zip(view.cells, weights_now(qtbot, window), strict=True):
        np.testing.assert_array_equal(cell.w_values, W)
    steps(qtbot, window)  # from now on it draws like any view
    for cell, W in zip(view.cells, weights_now(qtbot, window), strict=True):
        np.testing.assert_array_equal(cell.w_values, W)


def test_a_tab_behind_another_floated_by_code_comes_on_screen_and_draws(qtbot, window):
    """Qt never hides a dock tab behind another, so floating it sends no visibilityChanged:
    the floated window must still count as on screen, get its view built and drawn."""
    placeholder = placeholders(window)["DistributionsView"]
    dock = window.findChild(QDockWidget, "distributionsDock")
    assert not placeholder.is_built()
    dock.setFloating(True)
    dock.show()
    qtbot.waitUntil(placeholder.is_built, timeout=5000)
    view = placeholder.view()
    assert view.on_screen()
    steps(qtbot, window, 3)
    drawn_steps, _ = view.counter_curve.getData()
    assert drawn_steps is not None and drawn_steps[-1] == window.session.counters[0] == 3


def test_export_before_ever_shown_draws_the_current_state(qtbot, window, tmp_path):
    steps(qtbot, window, 2)
    assert operations.export_plots_to(window, tmp_path) is not None
    lazy = window.lazy_views
    assert lazy["weights_view"].is_built() and window.norms.placeholder.is_built()
    # only what is written is built: no regression or fit view for a classifier
    assert not lazy["regression_view"].is_built() and not lazy["fit_view"].is_built()
    heatmaps = lazy["weights_view"].view()
    for cell, W in zip(heatmaps.cells, weights_now(qtbot, window), strict=True):
        np.testing.assert_array_equal(cell.w_values, W)
    drawn_steps, _ = window.norms.view.grad_curves[0].getData()
    assert drawn_steps is not None and drawn_steps[-1] == 2
    for name in ("weights", "gradient_norms"):
        assert pixels(tmp_path / f"{name}.png").var() > 0, name
    assert "layer 3 (output)" in (tmp_path / "gradient_norms.svg").read_text()


def test_a_page_shown_for_new_data_is_built_for_that_network(qtbot, window):
    placeholder = window.lazy_views["regression_view"]
    assert not placeholder.is_built()
    with qtbot.waitSignal(window.session.trainerChanged, timeout=WORKER_TIMEOUT):
        window.session.set_dataset(load_dataset("squares_sum"))
    assert placeholder.is_built() and placeholder.isVisible()
    view = placeholder.view()
    assert view.requested_columns() == (0, 1)
    expected = window.session.last_snapshot.surface.output[..., 0]
    if view.showing_3d():  # OpenGL starts here (Xvfb with Mesa)
        surface = view.pair3d.pred_panel.surface
        qtbot.waitUntil(lambda: surface._z is not None)
        np.testing.assert_allclose(surface._z, expected.T, rtol=1e-12)
    else:
        assert not view.pair.hint.isVisible()
        low, high = view.pair.pred_image.getLevels()
        np.testing.assert_allclose(view.pair.pred_image.image, np.clip(expected, low, high),
                                   rtol=1e-6)
    assert not window.lazy_views["fit_view"].is_built()  # two inputs: the surface first


def test_distributions_are_recorded_before_their_view_is_built(qtbot, window):
    steps(qtbot, window, 3, "stepEpoch")
    placeholder = window.analysis.placeholders[DistributionsView]
    assert not placeholder.is_built()
    assert len(window.analysis.recorder.history) >= 4  # the first state and three epochs
    view = raise_dock(qtbot, window, "distributionsDock", placeholder)
    assert view.history is window.analysis.recorder.history
    def drawn():
        x, _ = view.band_plots["weights"].median.getData()
        return 0 if x is None else len(x)

    qtbot.waitUntil(lambda: drawn() == len(view.history), timeout=5000)


def test_a_layer_clicked_before_a_view_is_built_is_the_one_it_shows(window):
    window.diagram.neuronClicked.emit((2, 0))  # column 2: the second layer
    assert not window.analysis.placeholders[ActivationCurvesView].is_built()
    assert window.analysis.activation_view.layer() == 1
    assert window.analysis.distributions_view.layer() == 1


def test_a_new_network_forgets_the_layer_clicked_for_views_not_built(qtbot, window):
    window.diagram.neuronClicked.emit((2, 0))
    with qtbot.waitSignal(window.session.trainerChanged, timeout=WORKER_TIMEOUT):
        window.session.set_hidden((6, 5))
    assert not window.analysis.placeholders[ActivationCurvesView].is_built()
    assert window.analysis.activation_view.layer() == 0


def test_window_state_reaches_views_not_built(qtbot, window):
    state = capture_ui_state(window)  # builds them: their check and combo boxes are saved
    assert state["combos"]["WeightHeatmapsView.heatmapMode"] == 0
    state["combos"]["WeightHeatmapsView.heatmapMode"] = 1
    other = shown_window(qtbot, "circles", TrainConfig(epochs=10**6))
    try:
        assert not other.lazy_views["weights_view"].is_built()
        assert "WeightHeatmapsView.heatmapMode" not in apply_ui_state(other, state)
        assert other.weights_view.mode_combo.currentIndex() == 1
    finally:
        other.close()


def test_the_zoom_reaches_a_view_built_later(qtbot, window):
    from gui.shell.zoom import base_font

    try:
        action(window, "zoomIn").trigger()
        zoomed = window.zoom.factor * base_font().pointSizeF()
        view = raise_dock(qtbot, window, "normsDock", window.norms.placeholder)
        axis = view.plots()[0].getAxis("left")
        qtbot.waitUntil(lambda: axis.style["tickFont"] is not None
                        and axis.style["tickFont"].pointSizeF() == pytest.approx(zoomed))
    finally:
        action(window, "zoomReset").trigger()


# ------------------------------------------------------------------ LazyView on its own
class Recording:
    """A view that records what it is told."""

    def __init__(self):
        self.calls = []

    def reset(self, info):
        self.calls.append(("reset", info))

    def show_snapshot(self, snapshot):
        self.calls.append(("show", snapshot))


@pytest.fixture
def recording_page(qtbot):
    from PySide6.QtWidgets import QLabel

    class RecordingLabel(QLabel, Recording):
        def __init__(self):
            QLabel.__init__(self, "view")
            Recording.__init__(self)

    made = []

    def factory():
        made.append(RecordingLabel())
        return made[-1]

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(QLabel("first page"))
    placeholder = LazyView(factory)
    placeholder.made = made
    stack.addWidget(placeholder)
    stack.show()
    qtbot.waitExposed(stack)
    return stack, placeholder


def test_a_placeholder_keeps_the_latest_state_and_builds_when_its_page_is_shown(
        qtbot, recording_page):
    stack, placeholder = recording_page
    placeholder.reset("old network")
    placeholder.show_snapshot("old snapshot")
    placeholder.reset("network")  # a new network: the old snapshot is not for it
    assert placeholder.made == [] and not placeholder.is_built()
    with qtbot.waitSignal(placeholder.built) as built:
        stack.setCurrentWidget(placeholder)
    view = built.args[0]
    assert view is placeholder.view() is view_of(placeholder) and placeholder.made == [view]
    assert view.calls == [("reset", "network")]
    assert view.isVisible()
    qtbot.waitUntil(lambda: view.size() == placeholder.size() == stack.size())
    placeholder.show_snapshot("snapshot 3")  # passed straight on
    assert view.calls[-1] == ("show", "snapshot 3")
    seen = []
    placeholder.when_built(seen.append)  # already built: called at once
    assert seen == [view]


def test_a_placeholder_asked_for_its_view_builds_it_hidden(qtbot, recording_page):
    _, placeholder = recording_page
    placeholder.reset("network")
    placeholder.show_snapshot("snapshot 1")
    placeholder.show_snapshot("snapshot 2")
    seen = []
    placeholder.when_built(seen.append)
    view = placeholder.view()  # its page is not shown: an export, a test
    assert seen == [view] and view.calls == [("reset", "network"), ("show", "snapshot 2")]
    assert not view.isVisible() and view.size() == placeholder.size()


def test_snapshots_of_a_replaced_trainer_never_reach_a_late_view(qtbot):
    trainer = Trainer(load_dataset("circles"), TrainConfig(hidden=(4,)))
    placeholder = LazyView(WeightHeatmapsView)
    qtbot.addWidget(placeholder)
    placeholder.reset(trainer.info())
    placeholder.show_snapshot(take_snapshot(trainer))
    bigger = Trainer(load_dataset("circles"), TrainConfig(hidden=(4, 3)))
    placeholder.reset(bigger.info())
    placeholder.resize(500, 400)
    placeholder.show()
    qtbot.waitExposed(placeholder)
    view = placeholder.view()
    assert len(view.cells) == 3 and all(cell.w_values is None for cell in view.cells)
