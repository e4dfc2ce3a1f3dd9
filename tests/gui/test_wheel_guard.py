"""The mouse wheel changes an input only when it has the focus; otherwise it scrolls the
panel around it (a wheel over the Hyperparameters panel once wiped a trained run)."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QScrollArea, QSpinBox

from core.data import load_dataset
from core.train.config import TrainConfig
from gui.shell.wheel_guard import GUARD_NAME, WheelGuard
from gui.shell.window import MainWindow
from tests.gui.helpers import action

TIMEOUT = 15_000


def wheel(widget, notches=-1):
    """Send one wheel event of ``notches`` (negative: towards the user) to ``widget``."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def hyper_widget(window, cls, name):
    found = window.hyper_panel.findChild(cls, name)
    assert found is not None, name
    return found


@pytest.fixture
def hyper(qtbot, window):
    """The window with the Hyperparameters dock in front, one step trained, and a height
    small enough that the panel scrolls."""
    window.docks[1].raise_()
    window.resize(1024, 680)
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        action(window, "step").trigger()
    window.diagram.setFocus()
    qtbot.waitUntil(window.diagram.hasFocus)
    return window


@pytest.mark.parametrize("cls, name", [(QComboBox, "activation"), (QSpinBox, "epochs")])
def test_wheel_on_an_unfocused_input_changes_nothing_and_scrolls_the_panel(
        qtbot, hyper, cls, name):
    widget = hyper_widget(hyper, cls, name)
    assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus
    before = widget.currentIndex() if cls is QComboBox else widget.value()
    run, config = hyper.session.info, hyper.session.config
    scroll = hyper.hyper_panel.findChild(QScrollArea).verticalScrollBar()
    assert scroll.maximum() > 0, "the panel should need scrolling at this size"
    scroll.setValue(0)
    wheel(widget)
    after = widget.currentIndex() if cls is QComboBox else widget.value()
    assert after == before
    assert not widget.hasFocus()
    assert scroll.value() > 0  # the panel scrolled instead
    with qtbot.waitSignal(hyper.session.snapshotShown, timeout=TIMEOUT):
        hyper.session.worker.refresh()
    assert hyper.session.info is run and hyper.session.config == config
    assert hyper.session.last_snapshot.step == 1


def test_wheel_on_a_focused_input_changes_it(qtbot, hyper):
    combo = hyper_widget(hyper, QComboBox, "activation")
    spin = hyper_widget(hyper, QSpinBox, "epochs")
    for widget in (combo, spin):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        before = widget.currentIndex() if widget is combo else widget.value()
        wheel(widget, notches=-1 if widget is combo else 1)
        after = widget.currentIndex() if widget is combo else widget.value()
        assert after != before


def test_inputs_created_later_are_guarded_too(qtbot, window):
    late = QComboBox()
    late.addItems(["a", "b", "c"])
    late.setFocusPolicy(Qt.FocusPolicy.WheelFocus)
    qtbot.addWidget(late)
    late.show()
    qtbot.waitExposed(late)
    assert late.focusPolicy() == Qt.FocusPolicy.StrongFocus
    window.activateWindow()
    wheel(late)
    assert late.currentIndex() == 0


def test_the_window_installs_the_guard_once_on_screen_and_it_takes_the_inputs_built_before(
        qtbot):
    app = QApplication.instance()
    installed = app.findChild(WheelGuard, GUARD_NAME)
    if installed is not None:  # an earlier test's window installed it (once per application)
        app.removeEventFilter(installed)
        installed.setParent(None)
        del installed
    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(window)
    # not while the window is built and first shown: it would filter every event of that
    assert app.findChild(WheelGuard, GUARD_NAME) is None
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: app.findChild(WheelGuard, GUARD_NAME) is not None, timeout=TIMEOUT)
    for cls, name in ((QComboBox, "activation"), (QSpinBox, "epochs")):
        assert hyper_widget(window, cls, name).focusPolicy() == Qt.FocusPolicy.StrongFocus
