"""Step through one update in the real window: phases, labels, auto-advance, equations,
and bit-identity with a plain ``Trainer.step()``."""

import copy
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.data import load_dataset
from core.teach.equation_terms import Equation, Operand
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.shell.window import MainWindow
from gui.stepthrough.equation_text import render
from gui.stepthrough.equations import SECTIONS, shown_equations
from gui.stepthrough.overlay import MAX_LABELLED_NEURONS, PhaseState, labels_for, num
from tests.gui.equation_truth import check_displayed
from tests.gui.helpers import in_worker, shown_window

TIMEOUT = 15_000
CONFIG = TrainConfig(hidden=(4, 2), batch_size=4, lr=0.3, epochs=10**6)


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot, "xor", CONFIG)
    yield w
    w.close()


def train_steps(qtbot, window, n):
    for _ in range(n):
        window.session.step()
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == n, timeout=TIMEOUT)


def mode(window):
    return window.stepthrough


def open_step(qtbot, window):
    c = mode(window).controller
    with qtbot.waitSignal(c.started, timeout=TIMEOUT):
        window.actions_by_name["stepThrough"].trigger()
    return c.book


def next_phase(qtbot, window):
    c = mode(window).controller
    with qtbot.waitSignal(c.phaseShown, timeout=TIMEOUT) as blocker:
        window.actions_by_name["nextPhase"].trigger()
    return blocker.args[0]


def weights(qtbot, window):
    return in_worker(qtbot, window, lambda t: [p.copy() for p in t.network.params()],
                     pause=False)


def test_full_step_through_equals_a_plain_step_bit_for_bit(qtbot, window):
    train_steps(qtbot, window, 7)
    state, data, config = in_worker(
        qtbot, window, lambda t: (copy.deepcopy(t.state_dict()), t.dataset, t.config),
        pause=False)
    reference = Trainer(data, config)
    reference.load_state_dict(state)
    loss = reference.step()

    book = open_step(qtbot, window)
    assert not window.actions_by_name["play"].isEnabled()
    assert not window.actions_by_name["step"].isEnabled()
    assert "step-through" in window.actions_by_name["step"].toolTip()
    shown = [next_phase(qtbot, window) for _ in range(book.n_phases)]
    assert shown == list(range(book.n_phases))
    kinds = [(p.kind, p.layer) for p in book.phases]
    assert kinds == [("forward", 0), ("forward", 1), ("forward", 2), ("loss", None),
                     ("backward", 2), ("backward", 1), ("backward", 0), ("update", None)]

    assert book.loss == loss
    for got, want in zip(weights(qtbot, window), reference.network.params(), strict=True):
        assert got.dtype == want.dtype and np.array_equal(got, want)
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == 8, timeout=TIMEOUT)
    assert window.actions_by_name["play"].isEnabled()
    assert "Train continuously" in window.actions_by_name["play"].toolTip()
    assert window.actions_by_name["nextPhase"].text() == "Next step"


def test_labels_show_the_numbers_of_each_phase(qtbot, window):
    window.resize(1100, 760)  # a narrow diagram: labels of neighbouring columns must not meet
    train_steps(qtbot, window, 3)
    book = open_step(qtbot, window)
    diagram = window.diagram
    results = book.phase_results

    next_phase(qtbot, window)  # forward, hidden 1
    r = results[0]
    z, a = r.batch_mean("z"), r.batch_mean("a")
    texts = diagram.annotations.texts()
    assert texts["neurons"][(1, 2)] == f"z={num(z[2])}\na={num(a[2])}"
    assert texts["neurons"][(0, 1)] == f"x={num(r.batch_mean('x')[1])}"
    assert texts["edges"][(0, 1, 3)] == f"w={num(r['W'][1, 3], 3)}"
    assert f"z={num(z[2])}\na={num(a[2])}" in diagram.annotations.label_texts()
    assert diagram.annotations._band.isVisible()
    assert_columns_labels_apart(diagram)

    for _ in range(3):
        next_phase(qtbot, window)  # forward 2, forward output, loss
    loss = results[3]
    out = diagram.annotations.texts()["neurons"][(3, 0)]
    assert f"y={num(loss['target'].mean(axis=0)[0])}" in out
    assert f"L={num(loss.values['data_loss'])}" in out

    next_phase(qtbot, window)  # backward, output
    back = results[4]
    texts = diagram.annotations.texts()
    assert texts["neurons"][(3, 0)] == f"δ={num(back.batch_sum('delta')[0])}"
    assert texts["edges"][(2, 1, 0)] == num(back["grad_W_data"][1, 0], 3)
    assert diagram.edge_layer(2).pen_of(1).color() != diagram.edge_layer(0).pen_of(1).color()

    mode(window).panel.example.setCurrentIndex(2)  # example 2 of the batch
    texts = diagram.annotations.texts()
    assert texts["neurons"][(3, 0)] == f"δ={num(back['delta'][1, 0])}"
    assert texts["edges"][(2, 1, 0)] == num(back["x"][1, 1] * back["delta"][1, 0], 3)
    assert "δ =" in diagram.neuron_tooltip(3, 0) and "example 2" in diagram.neuron_tooltip(3, 0)

    next_phase(qtbot, window)  # backward, hidden 2: labelled edges left of hidden 2 only
    assert_columns_labels_apart(diagram)


def assert_columns_labels_apart(diagram):
    """No neuron label overlaps a neuron label of another column."""
    keys = list(diagram.annotations.texts()["neurons"])
    boxes = [box for box, _ in diagram.annotations._labels._boxes][-len(keys):]
    assert len({k[0] for k in keys}) >= 2
    for (ka, a) in zip(keys, boxes, strict=True):
        for (kb, b) in zip(keys, boxes, strict=True):
            assert ka[0] == kb[0] or not a.intersects(b), (ka, kb)


def test_auto_advance_runs_to_the_end(qtbot, window):
    panel = mode(window).panel
    panel.pace.setValue(0.1)
    panel.auto.setChecked(True)
    c = mode(window).controller
    seen = []
    c.phaseShown.connect(seen.append)
    with qtbot.waitSignal(c.stepDone, timeout=TIMEOUT) as blocker:
        window.actions_by_name["stepThrough"].trigger()
    assert blocker.args == [1]
    assert seen == list(range(c.book.n_phases))
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == 1, timeout=TIMEOUT)
    assert window.actions_by_name["step"].isEnabled()


def click_neuron(qtbot, diagram, column, unit):
    item = diagram.neuron_item(column, unit)
    pos = diagram.mapFromScene(item.scenePos())
    with qtbot.waitSignal(diagram.neuronClicked, timeout=TIMEOUT) as blocker:
        qtbot.mouseClick(diagram.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    return blocker.args[0]


def plain(text):
    return " ".join(text.split())


def test_equations_panel_shows_core_equations_of_the_clicked_neuron(qtbot, window):
    train_steps(qtbot, window, 2)
    open_step(qtbot, window)
    assert click_neuron(qtbot, window.diagram, 2, 1) == (2, 1)
    assert mode(window).selected == (2, 1)
    assert window.diagram.annotations._ring.isVisible()
    view = mode(window).panel.equations
    for _ in range(2):
        next_phase(qtbot, window)  # forward hidden 1 and hidden 2
    text = plain(view.plain_text())
    step, groups = shown_equations(mode(window).state(), 2, 1)
    assert plain(step.header[0]) in text and "Batch of 4 examples" in text
    assert groups["forward"] and all(plain(r.text) in text for r in groups["forward"])
    assert "z̄ = Σ wᵢāᵢ + b" in text and "ā = (Σₙ tanh(zₙ))/n" in text
    assert "a = tanh(z) =" not in text  # the batch view never applies f to a mean
    assert "filled in at the phase “Backward · Hidden 2”" in text
    assert not groups["backward"]

    with qtbot.waitSignal(mode(window).controller.stepDone, timeout=TIMEOUT):
        window.actions_by_name["finishStep"].trigger()
    mode(window).panel.example.setCurrentIndex(3)  # example 3 of 4
    text = plain(view.plain_text())
    step, groups = shown_equations(mode(window).state(), 2, 1)
    assert all(groups[kind] for kind, _ in SECTIONS)
    for rendered in (r for kind, _ in SECTIONS for r in groups[kind]):
        assert plain(rendered.text) in text
    assert "Example 3 of 4: training row" in text and "label class" in text
    assert "a = tanh(z) = tanh(" in text
    assert "L = (Σₙ Lₙ)/n" in text and "Lₙ = −[y ln ŷ + (1−y) ln(1−ŷ)]" in text
    assert "Δb = −η·g" in text


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.3), ("momentum", 0.1), ("adam", 0.01)])
def test_every_displayed_equation_is_true_as_displayed(qtbot, window, optimizer, lr):
    """Each phase, batch and per-example views, every neuron: read the numbers shown back
    at their precision, evaluate each equation's operator, compare with the result shown."""
    if optimizer != window.session.config.optimizer:  # the same optimizer rebuilds nothing
        with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
            window.session.update_config({"optimizer": optimizer, "lr": lr})
    assert (window.session.config.optimizer, window.session.config.lr) == (optimizer, lr)
    train_steps(qtbot, window, 3)  # momentum and Adam then carry state
    book = open_step(qtbot, window)
    view, panel = mode(window).panel.equations, mode(window).panel
    neurons = [(c, u) for c, width in enumerate((4, 2, 1), start=1) for u in range(width)]
    checked = set()
    for _ in range(book.n_phases):
        next_phase(qtbot, window)
        for example_index in (0, 2):  # "Batch", then example 2 of 4
            panel.example.setCurrentIndex(example_index)
            for neuron in neurons:
                mode(window).select(neuron)
                text = plain(view.plain_text())
                _step, groups = shown_equations(mode(window).state(), *neuron)
                for kind, _ in SECTIONS:
                    for eq, rendered in zip(_step.sections[kind], groups[kind], strict=False):
                        assert plain(rendered.text) in text
                        check_displayed(eq, rendered)
                        checked.add((kind, eq.op))
    ops = {op for _, op in checked}
    assert {"dot", "activation", "mean", "bce", "scaled_difference", "derivative",
            "product", "sum"} <= ops
    assert {"forward", "loss", "backward", "update"} == {kind for kind, _ in checked}
    if optimizer == "momentum":
        assert "linear" in ops  # buf = μ·buf + g
    if optimizer == "adam":
        assert {"ema", "ema_square", "bias_correction", "adaptive_step"} <= ops


def test_leave_drops_the_half_done_step(qtbot, window):
    train_steps(qtbot, window, 1)
    before = weights(qtbot, window)
    open_step(qtbot, window)
    next_phase(qtbot, window)
    assert window.diagram.annotations.texts()["neurons"]
    window.actions_by_name["leaveStep"].trigger()
    assert not window.actions_by_name["stepThrough"].isChecked()
    assert window.actions_by_name["play"].isEnabled()
    assert window.diagram.annotations.texts() == {"neurons": {}, "edges": {}}
    for got, want in zip(weights(qtbot, window), before, strict=True):
        assert np.array_equal(got, want)
    assert window.session.last_snapshot.step == 1


def test_training_on_after_the_update_returns_to_normal(qtbot, window):
    open_step(qtbot, window)
    with qtbot.waitSignal(mode(window).controller.stepDone, timeout=TIMEOUT):
        window.actions_by_name["finishStep"].trigger()
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == 1, timeout=TIMEOUT)
    assert window.diagram.annotations.texts()["neurons"]   # the update stays on show
    window.actions_by_name["step"].trigger()
    qtbot.waitUntil(lambda: not window.actions_by_name["stepThrough"].isChecked(),
                    timeout=TIMEOUT)
    assert window.diagram.annotations.texts() == {"neurons": {}, "edges": {}}
    assert window.session.last_snapshot.step == 2


def test_a_new_network_closes_the_step_through(qtbot, window):
    open_step(qtbot, window)
    window.session.reset()
    assert not window.actions_by_name["stepThrough"].isChecked()
    assert mode(window).controller.book is None
    assert window.actions_by_name["reset"].isEnabled()


def test_big_networks_get_hover_values_instead_of_labels(qtbot, window):
    book = open_step(qtbot, window)
    state = PhaseState(book, 0)
    sizes = (2, MAX_LABELLED_NEURONS, 2, 1)
    assert labels_for(state, sizes) == ({}, {})
    assert "z = " in state.hover("neuron", (1, 0))
    assert state.hover("edge", (0, 1, 0)).endswith(f"w = {num(book.phase_results[0]['W'][1, 0])}")


def test_the_truth_check_catches_a_false_equation():
    """The issue's example: tanh of the batch mean of z is not the batch mean of a."""
    false = Equation("forward", "a", "tanh(z)", "activation", (Operand("z", -0.1029),),
                     -0.1498, {"f": "tanh"})
    with pytest.raises(AssertionError, match="false as displayed"):
        check_displayed(false, render(false))
    true = Equation("forward", "a", "tanh(z)", "activation", (Operand("z", -0.1029),),
                    math.tanh(-0.1029), {"f": "tanh"})
    check_displayed(true, render(true))
    assert render(true).text == "a = tanh(z) = tanh(−0.1029) = −0.1025"


def test_phase_list_is_never_cut_on_a_short_window(qtbot, window):
    window.resize(1024, 680)
    open_step(qtbot, window)
    for _ in range(3):
        next_phase(qtbot, window)
    panel = mode(window).panel
    scroll = panel.left_scroll
    qtbot.waitUntil(lambda: scroll.viewport().height() > 0)
    column = scroll.widget()
    # the column keeps the height its texts need: what the dock cannot show scrolls
    assert column.height() >= column.minimumSizeHint().height()
    strip = panel.strip
    bottom = strip.mapTo(column, strip.rect().bottomLeft()).y()
    assert bottom <= column.height()
    scroll.ensureWidgetVisible(strip)
    top_in_view = strip.mapTo(scroll.viewport(), strip.rect().topLeft()).y()
    assert top_in_view >= 0 and top_in_view + strip.height() <= scroll.viewport().height() \
        or strip.height() > scroll.viewport().height()
    assert scroll.horizontalScrollBar().maximum() == 0, "the controls scroll sideways"


def test_choosing_an_example_draws_its_own_digit_in_the_input_block(qtbot):
    w = MainWindow(load_dataset("digits"), TrainConfig(hidden=(8,), batch_size=4))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    try:
        book = open_step(qtbot, w)
        block = w.diagram.input_block
        mean = w.session.dataset.X_train.mean(axis=0).reshape(8, 8)
        np.testing.assert_allclose(block.values, mean)
        loss = next(r for p, r in zip(book.phases, book.phase_results, strict=True)
                    if p.kind == "loss")
        mode(w).panel.example.setCurrentIndex(3)  # "Example 3 of 4"
        np.testing.assert_allclose(block.values, loss["raw_inputs"][2].reshape(8, 8))
        assert block.caption == "example 3"
        mode(w).panel.example.setCurrentIndex(0)  # back to the batch: the mean input
        np.testing.assert_allclose(block.values, mean)
    finally:
        w.close()


def test_no_value_label_is_printed_over_another_at_the_smallest_window(qtbot, window):
    window.resize(1024, 680)
    train_steps(qtbot, window, 2)
    open_step(qtbot, window)
    diagram = window.diagram
    for _ in range(mode(window).controller.book.n_phases - 1):
        next_phase(qtbot, window)
        boxes = [box for box, _ in diagram.annotations._labels._boxes]
        for k, a in enumerate(boxes):
            for b in boxes[k + 1:]:
                assert not a.intersects(b), (a, b)
