"""The timeline through real mouse and key gestures: every one (a drag and its release, a
click beside the handle, the arrow keys) restores a kept step, settles the slider on it and
offers "Resume from here", which then trains on from exactly that step."""

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionSlider

from tests.gui.helpers import pause_training

TIMEOUT = 20_000


@pytest.fixture
def bar(qtbot, window):
    """The timeline bar after 400 steps, its data up to date."""
    window.session.play()
    qtbot.waitUntil(lambda: window.session.counters[0] >= 400, timeout=TIMEOUT)
    pause_training(qtbot, window)
    bar = window.timeline.bar
    qtbot.waitUntil(lambda: bar.data is not None
                    and bar.data.current == window.session.counters[0] == bar.data.head,
                    timeout=TIMEOUT)
    return bar


def handle_centre(slider):
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    rect = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                         QStyle.SubControl.SC_SliderHandle, slider)
    return rect.center()


def x_of_step(slider, step):
    """The slider's pixel x for ``step`` (groove from the handle's half width on)."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                  QStyle.SubControl.SC_SliderGroove, slider)
    handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option,
                                  QStyle.SubControl.SC_SliderHandle, slider)
    span = groove.width() - handle.width()
    return groove.x() + handle.width() // 2 + round(span * step / slider.maximum())


def drag_to(slider, pos):
    """A mouse move with the left button held (``QTest.mouseMove`` sends no button)."""
    local = QPointF(pos)
    event = QMouseEvent(QMouseEvent.Type.MouseMove, local, QPointF(slider.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(slider, event)


def assert_resumable(qtbot, window, bar):
    """The slider sits on the restored kept step, and Resume trains on from it."""
    session = window.session
    qtbot.waitUntil(lambda: bar.data.current == session.counters[0] < bar.data.head,
                    timeout=TIMEOUT)
    restored = session.counters[0]
    assert restored in bar.data.steps and bar.step_of_slider() == restored
    assert bar.label.text().startswith(f"step {restored:,} of")
    qtbot.waitUntil(bar.resume.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(bar.resume, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.counters[0] > restored + 20, timeout=TIMEOUT)
    pause_training(qtbot, window)
    return restored


def test_drag_and_release_restores_and_resumes(qtbot, window, bar):
    slider = bar.slider
    head = bar.data.head
    start = handle_centre(slider)
    QTest.mousePress(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in (head * 3 // 4, head // 2, head // 3):  # a drag: several stops on the way
        drag_to(slider, QPoint(x_of_step(slider, step), start.y()))
        assert slider.isSliderDown()
        assert abs(bar.step_of_slider() - step) <= head // 40  # linear in steps
        nearest = min(bar.data.steps, key=lambda s: abs(s - bar.step_of_slider()))
        qtbot.waitUntil(lambda n=nearest: window.session.counters[0] == n, timeout=TIMEOUT)
    QTest.mouseRelease(slider, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(x_of_step(slider, head // 3), start.y()))
    assert assert_resumable(qtbot, window, bar) == nearest


def test_arrow_keys_move_by_one_kept_state(qtbot, window, bar):
    slider = bar.slider
    slider.setFocus()
    earlier = [s for s in bar.data.steps if s < bar.data.current]  # the head may be unkept
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: window.session.counters[0] == earlier[-1], timeout=TIMEOUT)
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: window.session.counters[0] == earlier[-2], timeout=TIMEOUT)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.session.counters[0] == earlier[-1], timeout=TIMEOUT)
    assert assert_resumable(qtbot, window, bar) == earlier[-1]


def test_a_click_beside_the_handle_goes_back_eight_kept_states(qtbot, window, bar):
    earlier = [s for s in bar.data.steps if s < bar.data.current]
    qtbot.mouseClick(bar.slider, Qt.MouseButton.LeftButton,
                     pos=QPoint(x_of_step(bar.slider, 0) + 2, handle_centre(bar.slider).y()))
    expected = earlier[-8]
    qtbot.waitUntil(lambda: window.session.counters[0] == expected, timeout=TIMEOUT)
    assert assert_resumable(qtbot, window, bar) == expected
