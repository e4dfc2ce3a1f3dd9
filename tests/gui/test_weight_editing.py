"""Edit a weight or a bias by clicking the diagram and typing, in the real window."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from core.train.config import TrainConfig
from gui.diagram.clicks import Hit
from gui.diagram.editor import parse_value
from tests.gui.helpers import shown_window

TIMEOUT = 15_000


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot, "xor", TrainConfig(hidden=(4, 2), batch_size=4, epochs=10**6))
    yield w
    w.close()


def params(qtbot, window):
    return window.session.call(lambda t: [p.copy() for p in t.network.params()])


def edge_point(diagram, pair, i, j, t=0.25):
    """Viewport point a fraction ``t`` along the drawn edge ``W[pair][i, j]``."""
    x0, y0, x1, y1 = diagram.edge_layer(pair).segment(i, j)
    return diagram.mapFromScene(QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0)))


def click(qtbot, diagram, pos):
    qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def type_value(qtbot, diagram, text):
    line = diagram.editor.line
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def test_click_on_an_edge_and_typing_sets_the_weight_everywhere(qtbot, window):
    diagram = window.diagram
    pos = edge_point(diagram, 0, 0, 0)
    assert diagram.hit_at(*diagram._scene_xy(pos)) == Hit("weight", 1, 0, 0)
    surface_before = window.session.last_snapshot.surface.output.copy()
    with qtbot.waitSignal(diagram.editStarted, timeout=TIMEOUT):
        click(qtbot, diagram, pos)
    assert diagram.editor.isVisible()
    assert diagram.editor.line.text() == f"{window.session.last_snapshot.weights[0][0, 0]:.6g}"
    assert "Weight x1 → Hidden 1 #1" in diagram.editor.caption.text()
    with qtbot.waitSignal(window.weight_edits.applied, timeout=TIMEOUT):
        type_value(qtbot, diagram, "-2,5")
    assert not diagram.editor.isVisible()
    assert params(qtbot, window)[0][0, 0] == -2.5
    qtbot.waitUntil(lambda: window.session.last_snapshot.weights[0][0, 0] == -2.5,
                    timeout=TIMEOUT)
    assert not np.array_equal(window.session.last_snapshot.surface.output, surface_before)
    assert "W1[1→1]" in window.statusBar().currentMessage()
    window.session.step()  # training continues from the edited weight
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == 1, timeout=TIMEOUT)


def test_invalid_text_shows_a_message_and_changes_nothing(qtbot, window):
    diagram = window.diagram
    before = params(qtbot, window)
    click(qtbot, diagram, edge_point(diagram, 1, 2, 1))
    assert diagram.editor.isVisible()
    type_value(qtbot, diagram, "abc")
    assert diagram.editor.isVisible()
    assert "not a number" in diagram.editor.message.text()
    type_value(qtbot, diagram, "inf")
    assert "finite" in diagram.editor.message.text()
    qtbot.keyClick(diagram.editor.line, Qt.Key.Key_Escape)
    assert not diagram.editor.isVisible()
    for got, want in zip(params(qtbot, window), before, strict=True):
        assert np.array_equal(got, want)


def test_double_click_on_a_neuron_edits_its_bias(qtbot, window):
    diagram = window.diagram
    item = diagram.neuron_item(2, 1)
    pos = diagram.mapFromScene(item.scenePos())
    qtbot.mouseDClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert diagram.editor.isVisible() and diagram.editor.target == Hit("bias", 2, 1)
    with qtbot.waitSignal(window.weight_edits.applied, timeout=TIMEOUT):
        type_value(qtbot, diagram, "0.75")
    assert params(qtbot, window)[3][1] == 0.75


def test_the_bias_marker_opens_the_bias_editor(qtbot, window):
    diagram = window.diagram
    item = diagram.neuron_item(1, 3)
    rect = item._marker_rect()
    pos = diagram.mapFromScene(item.mapToScene(rect.center()))
    click(qtbot, diagram, pos)
    assert diagram.editor.target == Hit("bias", 1, 3)
    assert "Bias of Hidden 1 #4" in diagram.editor.caption.text()


def test_editing_pauses_training_and_waits_for_a_step_through(qtbot, window):
    diagram = window.diagram
    window.session.play()
    qtbot.waitUntil(lambda: window.session.running, timeout=TIMEOUT)
    click(qtbot, diagram, edge_point(diagram, 2, 1, 0, t=0.5))
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT)
    qtbot.keyClick(diagram.editor.line, Qt.Key.Key_Escape)
    controller = window.stepthrough.controller
    with qtbot.waitSignal(controller.started, timeout=TIMEOUT):
        window.actions_by_name["stepThrough"].trigger()
    click(qtbot, diagram, edge_point(diagram, 0, 1, 2))
    assert not diagram.editor.isVisible()


def test_clicks_away_from_everything_hit_nothing(window):
    diagram = window.diagram
    assert diagram.hit_at(3.0, 3.0) is None
    item = diagram.neuron_item(0, 1)
    assert diagram.hit_at(item.x(), item.y()) == Hit("neuron", 0, 1)


@pytest.mark.parametrize("text, value", [("0.5", 0.5), (" -1e-3 ", -1e-3), ("−2", -2.0),
                                         ("3,25", 3.25)])
def test_parse_value_accepts_common_spellings(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "1.2.3", "inf"])
def test_parse_value_rejects_other_text(text):
    with pytest.raises(ValueError, match="number"):
        parse_value(text)
