"""Projector mode: View → Zoom in / out / Actual size scales the window's text, the plots'
text and the diagram's text, and the factor is remembered between runs."""

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from core.data import load_dataset
from core.train.config import TrainConfig
from gui.shell.window import MainWindow, app_settings
from gui.shell.zoom import ZOOM_STEPS, base_font, next_step
from tests.gui.helpers import action


@pytest.fixture
def zoomed_back():
    """Whatever a test does, the next test starts at 100 % (the app font is global)."""
    yield
    QApplication.setFont(base_font())


def text_sizes(window):
    """Point sizes of: the app font, a loss-plot tick label, the loss axis label, a
    diagram caption."""
    axis = window.loss_view.loss_plot.getAxis("left")
    return (QApplication.font().pointSizeF(), axis.style["tickFont"].pointSizeF(),
            axis.label.font().pointSizeF(), window.diagram._texts.titles[0].font().pointSizeF())


def test_zoom_steps_are_clamped():
    assert next_step(1.0, +1) == 1.1 and next_step(1.0, -1) == 0.9
    assert next_step(ZOOM_STEPS[-1], +1) == ZOOM_STEPS[-1]
    assert next_step(ZOOM_STEPS[0], -1) == ZOOM_STEPS[0]


def test_zoom_in_out_and_reset_scale_every_text(window, qtbot, zoomed_back):
    assert QKeySequence("Ctrl+=") in action(window, "zoomIn").shortcuts()
    assert action(window, "zoomOut").shortcut() == QKeySequence("Ctrl+-")
    assert action(window, "zoomReset").shortcut() == QKeySequence("Ctrl+0")
    normal = text_sizes(window)
    action(window, "zoomIn").trigger()
    action(window, "zoomIn").trigger()
    assert window.zoom.factor == pytest.approx(1.25)
    qtbot.waitUntil(lambda: text_sizes(window)[3] > normal[3])
    bigger = text_sizes(window)
    assert bigger[0] == pytest.approx(normal[0] * 1.25)
    assert bigger[1] == pytest.approx(normal[0] * 1.25)
    assert bigger[2] > normal[2] and bigger[3] > normal[3]
    assert float(app_settings().value("view/zoom")) == pytest.approx(1.25)
    action(window, "zoomOut").trigger()
    assert window.zoom.factor == pytest.approx(1.1)
    action(window, "zoomReset").trigger()
    assert text_sizes(window) == pytest.approx(normal)
    assert float(app_settings().value("view/zoom")) == 1.0


def test_zoom_is_remembered_between_runs(window, qtbot, zoomed_back):
    for _ in range(3):
        action(window, "zoomIn").trigger()
    factor = window.zoom.factor
    window.close()
    QApplication.setFont(base_font())  # as a fresh start of the app would have it
    again = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(again)
    assert factor > 1.0 and again.zoom.factor == pytest.approx(factor)
    assert QApplication.font().pointSizeF() == pytest.approx(base_font().pointSizeF() * factor)
    axis = again.loss_view.metric_plot.getAxis("bottom")
    assert axis.style["tickFont"].pointSizeF() == pytest.approx(QApplication.font().pointSizeF())
    again.close()
