"""The network diagram: geometry, items, +/− buttons, edge colours, tooltips, rendering."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402

from core.data import load_dataset, make_dataset_from_arrays  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from core.train.trainer import Trainer  # noqa: E402
from core.watch.snapshot import take_snapshot  # noqa: E402
from gui.diagram import NetworkDiagram  # noqa: E402
from gui.diagram.controls import (  # noqa: E402
    MAX_LAYERS,
    MAX_NEURONS,
    add_layer,
    remove_layer,
    resize_layer,
)
from gui.diagram.labels import fmt  # noqa: E402
from gui.diagram.layout import (  # noqa: E402
    MIN_NODE,
    MIN_PITCH,
    SUMMARY_UNITS,
    compute_layout,
    drawn_units,
    edge_segments,
    nearest_segment,
    strongest,
    unit_room,
    width_buckets,
)

# ----- pure geometry ---------------------------------------------------------------------


def test_drawn_units_summarises_wide_layers():
    assert drawn_units(8) == tuple(range(8))
    assert drawn_units(64) == tuple(range(64))
    assert drawn_units(784) == tuple(range(SUMMARY_UNITS))


def test_layout_is_centred_and_inside_the_scene():
    lay = compute_layout((2, 4, 1), 600, 400)
    xs = [c.x for c in lay.columns]
    assert xs == sorted(xs) and len(xs) == 3
    assert xs[1] == pytest.approx((xs[0] + xs[2]) / 2)
    centre = np.mean(lay.columns[0].ys)
    for col in lay.columns:
        assert np.mean(col.ys) == pytest.approx(centre)
        assert min(col.ys) - lay.node / 2 >= lay.caption_y
        assert max(col.ys) + lay.node / 2 <= 400
        assert col.x - lay.node / 2 > 0 and col.x + lay.node / 2 < 600


def test_layout_reserves_room_for_long_input_names():
    plain = compute_layout((2, 4, 1), 600, 400)
    named = compute_layout((2, 4, 1), 600, 400, left_label=120.0)
    assert named.columns[0].x - named.node / 2 >= 120.0
    assert named.columns[0].x > plain.columns[0].x


def test_summarised_column_has_an_ellipsis_row():
    lay = compute_layout((784, 256, 10), 800, 700)
    first = lay.columns[0]
    assert len(first.units) == SUMMARY_UNITS and first.hidden_count == 784 - SUMMARY_UNITS
    assert first.ellipsis_y > max(first.ys)
    assert lay.columns[2].ellipsis_y is None


@pytest.mark.parametrize("height", [160, 300, 500, 900])
def test_layers_that_do_not_fit_summarise_instead_of_shrinking(height):
    lay = compute_layout((64, 64, 16, 10), 700, height)
    assert lay.node >= MIN_NODE
    for col in lay.columns:
        rows = [*col.ys] + ([col.ellipsis_y] if col.ellipsis_y is not None else [])
        assert len(rows) <= unit_room(height)
        assert all(b - a >= MIN_PITCH - 1e-9 for a, b in zip(rows, rows[1:], strict=False))
        assert (col.ellipsis_y is None) == (len(col.units) == col.size)


def test_edge_segments_follow_the_weight_matrix_order():
    lay = compute_layout((2, 3), 400, 300)
    a, b = lay.columns
    seg = edge_segments(a, b, lay.node)
    assert seg.shape == (6, 4)
    # row k = (i, j) = divmod(k, 3): source y of unit i, target y of unit j
    assert seg[4, 1] == pytest.approx(a.ys[1]) and seg[4, 3] == pytest.approx(b.ys[1])
    assert seg[2, 1] == pytest.approx(a.ys[0]) and seg[2, 3] == pytest.approx(b.ys[2])


def test_nearest_segment_and_buckets():
    seg = np.array([[0.0, 0.0, 10.0, 0.0], [0.0, 10.0, 10.0, 10.0]])
    assert nearest_segment(seg, 5.0, 9.0, 2.0) == 1
    assert nearest_segment(seg, 5.0, 5.0, 2.0) is None
    assert list(width_buckets(np.array([0.0, -0.5, 1.0, 3.0]), 1.0, 4)) == [0, 2, 3, 3]
    assert list(width_buckets(np.array([1.0]), 0.0, 4)) == [0]
    assert list(strongest(np.array([0.1, -5.0, 0.2, 3.0]), 2)) == [1, 3]


def test_architecture_arithmetic_respects_limits():
    assert add_layer((4,)) == (4, 4) and add_layer(()) == (4,)
    assert add_layer((2,) * MAX_LAYERS) == (2,) * MAX_LAYERS
    assert remove_layer((4, 2)) == (4,) and remove_layer(()) == ()
    assert resize_layer((4, 1), 1, -1) == (4, 1)
    assert resize_layer((MAX_NEURONS,), 0, +1) == (MAX_NEURONS,)
    assert resize_layer((256,), 0, -1) == (255,) and resize_layer((256,), 0, +1) == (256,)


# ----- the widget --------------------------------------------------------------------------


def trainer_for(dataset="xor", hidden=(4,), steps=3, **cfg):
    data = dataset if not isinstance(dataset, str) else load_dataset(dataset)
    trainer = Trainer(data, TrainConfig(hidden=hidden, **cfg))
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.fixture
def diagram(qtbot):
    view = NetworkDiagram()
    qtbot.addWidget(view)
    view.resize(800, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def shown(view, trainer):
    view.reset(trainer.info())
    snap = take_snapshot(trainer)
    view.show_snapshot(snap)
    return snap


def test_captions_of_a_deep_network_shorten_instead_of_overlapping(diagram):
    diagram.resize(520, 500)
    diagram.reset(trainer_for("circles", hidden=(16,) * 8, activation="sigmoid").info())
    texts = diagram._texts
    titles = [t.text() for t in texts.titles]
    assert titles[1:4] == ["H1", "H2", "H3"] and texts.details[1].text() in ("16 sigm", "16")
    assert texts.titles[1].toolTip().startswith("Hidden 1 · 16 · sigmoid\n")  # whole caption
    for row in (texts.titles, texts.details):
        boxes = [item.sceneBoundingRect() for item in row]
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left.right() < right.left()
    diagram.resize(800, 500)
    diagram.reset(trainer_for(hidden=(4,)).info())
    assert [t.text() for t in diagram._texts.titles] == ["Input", "Hidden 1", "Output"]


@pytest.mark.parametrize("width", [240, 300, 800])
def test_top_row_controls_never_overlap(diagram, qtbot, width):
    diagram.resize(width, 500)
    diagram.reset(trainer_for(hidden=(4, 4)).info())
    controls = diagram.controls
    qtbot.waitUntil(lambda: controls.width() == width)
    row = [controls.layer_minus, controls.layer_plus, controls.layer_label,
           controls.edges_label, controls.mode_combo]
    boxes = [w.geometry() for w in row if w.isVisible()]
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left.right() < right.left(), (width, [b.getRect() for b in boxes])
    assert controls.layer_label.fontMetrics().horizontalAdvance(
        controls.layer_label.text()) <= controls.layer_label.width()
    if width in (240, 800):  # dropped only when the row cannot fit
        assert controls.edges_label.isVisible() == (width == 800)


def test_empty_state_shows_a_hint(diagram):
    assert diagram._texts.hint.isVisible()
    assert "Reset" in diagram._texts.hint.text()
    assert diagram.counts()["neurons"] == 0
    assert not diagram.controls.layer_plus.isEnabled()


def test_reset_builds_one_item_per_neuron_and_edge(diagram):
    diagram.reset(trainer_for(hidden=(4,)).info())
    counts = diagram.counts()
    assert counts["neurons"] == 2 + 4 + 1
    assert counts["edges"] == 2 * 4 + 4 * 1
    assert counts["edge_items"] == 2
    assert not diagram._texts.hint.isVisible()
    titles = [t.text() for t in diagram._texts.titles]
    details = [t.text() for t in diagram._texts.details]
    assert titles == ["Input", "Hidden 1", "Output"]
    assert details[1] == "4 · tanh"
    assert [t.text() for t in diagram._texts.inputs] == ["x1", "x2"]
    assert [t.text() for t in diagram._texts.outputs] == ["ŷ"]


def test_layer_buttons_emit_new_hidden_sizes(diagram, qtbot):
    diagram.reset(trainer_for(hidden=(4,)).info())
    with qtbot.waitSignal(diagram.architectureChanged) as sig:
        qtbot.mouseClick(diagram.controls.layer_plus, Qt.MouseButton.LeftButton)
    assert sig.args == [(4, 4)]
    with qtbot.waitSignal(diagram.architectureChanged) as sig:
        qtbot.mouseClick(diagram.controls.layer_minus, Qt.MouseButton.LeftButton)
    assert sig.args == [(4,)]
    minus, plus = diagram.controls.neuron_buttons(0)
    with qtbot.waitSignal(diagram.architectureChanged) as sig:
        qtbot.mouseClick(plus, Qt.MouseButton.LeftButton)
    assert sig.args == [(5,)]
    with qtbot.waitSignal(diagram.architectureChanged) as sig:
        qtbot.mouseClick(minus, Qt.MouseButton.LeftButton)
    assert sig.args == [(4,)]


def test_buttons_are_disabled_at_the_limits(diagram):
    diagram.reset(trainer_for(hidden=(1,) + (MAX_NEURONS,) * (MAX_LAYERS - 1), steps=0).info())
    c = diagram.controls
    assert not c.layer_plus.isEnabled() and c.layer_minus.isEnabled()
    assert "most" in c.layer_plus.toolTip()
    minus0, plus0 = c.neuron_buttons(0)
    assert not minus0.isEnabled() and plus0.isEnabled()
    minus1, plus1 = c.neuron_buttons(1)
    assert minus1.isEnabled() and not plus1.isEnabled()
    assert str(MAX_NEURONS) in plus1.toolTip()
    diagram.reset(trainer_for(hidden=(), steps=0).info())
    assert not c.layer_minus.isEnabled() and c.layer_plus.isEnabled()
    assert "No hidden layer" in c.layer_minus.toolTip()


def with_first_weights(snap, W0):
    weights = [np.asarray(W0, dtype=float)] + list(snap.weights[1:])
    return dataclasses.replace(snap, weights=weights)


def test_edge_colour_follows_sign_and_width_follows_magnitude(diagram):
    trainer = trainer_for(hidden=(2,))
    snap = shown(diagram, trainer)
    diagram.show_snapshot(with_first_weights(snap, [[3.0, -3.0], [0.3, -0.03]]))
    edges = diagram.edge_layer(0)
    strong_pos, strong_neg = edges.pen_of(0), edges.pen_of(1)
    weak_pos, weaker_neg = edges.pen_of(2), edges.pen_of(3)
    assert strong_pos.color().blue() > strong_pos.color().red()     # positive: blue
    assert strong_neg.color().red() > strong_neg.color().blue()     # negative: orange
    assert weak_pos.color().blue() > weak_pos.color().red()
    assert strong_pos.widthF() > weak_pos.widthF() > 0
    assert strong_neg.widthF() > weaker_neg.widthF()


def test_edge_modes_use_gradients_and_updates(diagram):
    trainer = trainer_for(hidden=(2,), steps=5)
    snap = shown(diagram, trainer)
    grads = [np.array([[1.0, -1.0], [1e-3, 1e-3]])] + list(snap.weight_grads[1:])
    diagram.show_snapshot(dataclasses.replace(snap, weight_grads=grads))
    edges = diagram.edge_layer(0)
    by_weight = [edges.pen_of(i).widthF() for i in range(4)]
    diagram.set_edge_mode("gradient")
    assert diagram.controls.mode_combo.currentText() == "gradient"
    assert edges.pen_of(0).widthF() > edges.pen_of(2).widthF()
    assert edges.pen_of(1).color().red() > edges.pen_of(1).color().blue()
    assert [edges.pen_of(i).widthF() for i in range(4)] != by_weight
    diagram.set_edge_mode("update")
    assert diagram.edge_mode() == "update"
    with pytest.raises(ValueError, match="weight"):
        diagram.set_edge_mode("colour")


def test_tooltips_show_weight_bias_gradient_and_update(diagram):
    trainer = trainer_for(hidden=(3,), steps=4)
    snap = shown(diagram, trainer)
    text = diagram.edge_tooltip(0, 1, 2)
    assert "x2 → Hidden 1 #3" in text
    assert f"w[2→3] = {fmt(snap.weights[0][1, 2])}" in text
    assert fmt(snap.weight_grads[0][1, 2]) in text and fmt(snap.weight_updates[0][1, 2]) in text
    text = diagram.neuron_tooltip(1, 0)
    assert "tanh" in text and f"bias b = {fmt(snap.biases[0][0])}" in text
    assert fmt(snap.bias_grads[0][0]) in text and "over the plane" in text
    assert "input feature x1" in diagram.neuron_tooltip(0, 0)


def test_hovering_sets_item_tooltips(diagram, qtbot):
    trainer = trainer_for(hidden=(3,), steps=2)
    snap = shown(diagram, trainer)
    item = diagram.neuron_item(1, 2)
    qtbot.mouseMove(diagram.viewport(), diagram.mapFromScene(item.scenePos()))
    qtbot.waitUntil(lambda: "bias b" in item.toolTip())
    assert fmt(snap.biases[0][2]) in item.toolTip()
    edges = diagram.edge_layer(1)
    x0, y0, x1, y1 = edge_segments(*diagram._layout.columns[1:], diagram._layout.node)[1]
    mid = diagram.mapFromScene((x0 + x1) / 2, (y0 + y1) / 2)
    qtbot.mouseMove(diagram.viewport(), mid)
    qtbot.waitUntil(lambda: "w[" in edges.toolTip())
    assert edges.edge_at((x0 + x1) / 2, (y0 + y1) / 2) == (1, 0)


def test_two_d_neurons_show_heatmaps_and_bias_markers(diagram):
    shown(diagram, trainer_for(hidden=(3,), features=("x1^2",)))
    assert all(diagram.neuron_item(c, 0).has_image for c in range(3))
    assert diagram.neuron_item(0, 2).has_image            # the derived feature x1^2
    assert diagram.neuron_item(1, 0).bias_color() is not None
    assert diagram.neuron_item(0, 0).bias_color() is None


def test_other_data_shows_discs_filled_by_bias(diagram):
    trainer = trainer_for("iris", hidden=(4,))
    snap = shown(diagram, trainer)
    item = diagram.neuron_item(1, 0)
    assert not item.has_image and item.bias_color() is None
    b = snap.biases[0][0]
    fill = item.fill_color()
    if b > 0:
        assert fill.blue() > fill.red()
    elif b < 0:
        assert fill.red() > fill.blue()
    assert "on the test set" in diagram.neuron_tooltip(2, 0)
    assert [t.text() for t in diagram._texts.outputs] == list(trainer.dataset.target_names)


def test_surface_without_neuron_grids_and_diverged_values(diagram):
    trainer = trainer_for(hidden=(3,))
    diagram.reset(trainer.info())
    snap = take_snapshot(trainer, with_neurons=False)
    diagram.show_snapshot(snap)
    assert diagram.neuron_item(0, 0).has_image and not diagram.neuron_item(1, 0).has_image
    assert "bias b" in diagram.neuron_tooltip(1, 0)
    nan = [np.full_like(a, np.nan) for a in snap.biases]
    diagram.show_snapshot(dataclasses.replace(snap, biases=nan, weights=[
        np.full_like(w, np.inf) for w in snap.weights]))
    assert diagram.neuron_item(1, 0).fill_color().name() == "#888888"
    assert "nan" in diagram.neuron_tooltip(1, 0)


def test_snapshot_of_another_network_is_ignored(diagram):
    old = take_snapshot(trainer_for(hidden=(4,)))
    diagram.reset(trainer_for(hidden=(2, 2)).info())
    diagram.show_snapshot(old)
    assert diagram._snapshot is None


def test_wide_layers_are_summarised(diagram):
    rng = np.random.default_rng(0)
    data = make_dataset_from_arrays(rng.normal(size=(30, 784)), rng.integers(0, 10, 30),
                                    "multiclass", target_names=[str(i) for i in range(10)])
    trainer = trainer_for(data, hidden=(256,), steps=1, activation="relu")
    diagram.resize(800, 800)  # tall enough for SUMMARY_UNITS rows at the least pitch
    shown(diagram, trainer)
    counts = diagram.counts()
    assert counts["neurons"] == SUMMARY_UNITS * 2 + 10
    assert counts["edges"] <= 2000 and counts["items"] < 200
    assert sum(len(diagram.edge_layer(p).shown) for p in range(2)) <= 2000
    assert [e.text() for e in diagram._texts.ellipses if e] == ["… 760 more", "… 232 more"]


def test_no_item_growth_over_many_snapshots(diagram):
    trainer = trainer_for("circles", hidden=(6, 3), steps=0)
    shown(diagram, trainer)
    before = diagram.counts()
    for _ in range(100):
        trainer.step()
        diagram.show_snapshot(take_snapshot(trainer))
    assert diagram.counts() == before


def test_resize_moves_items_without_rebuilding(diagram, qtbot):
    shown(diagram, trainer_for(hidden=(4,)))
    item = diagram.neuron_item(2, 0)
    x = item.x()
    diagram.resize(1100, 500)
    qtbot.waitUntil(lambda: item.x() > x)
    assert diagram.neuron_item(2, 0) is item


@pytest.mark.parametrize("hidden", [(), (6, 3), (4,) * MAX_LAYERS])
def test_renders_non_blank_png(diagram, tmp_path, hidden):
    shown(diagram, trainer_for("circles", hidden=hidden, steps=20))
    path = tmp_path / "diagram.png"
    assert diagram.grab().save(str(path))
    image = diagram.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert path.stat().st_size > 2000 and len(colours) > 20


# ----- legible at any width ----------------------------------------------------------------


def _control_rects(diagram):
    """Rectangles (in the diagram's coordinates) of every visible header control."""
    c = diagram.controls
    widgets = [c.layer_minus, c.layer_plus, c.layer_label, c.edges_label, c.mode_combo]
    widgets += [b for k in range(len(c.hidden or ())) for b in c.neuron_buttons(k)]
    return [(w.objectName() or w.text(), QRect(w.mapTo(diagram, QPoint(0, 0)), w.size()))
            for w in widgets if w.isVisible()]


@pytest.mark.parametrize("neurons", [1, 8, 64])
def test_layer_and_neuron_buttons_never_overlap(diagram, qtbot, neurons):
    for n_layers in range(MAX_LAYERS + 1):
        info = trainer_for("iris", hidden=(neurons,) * n_layers, steps=0).info()
        diagram.reset(info)
        for width in (240, 330, 520, 1100):
            diagram.resize(width, 420)
            qtbot.waitUntil(lambda w=width: diagram.controls.width() == w)
            rects = _control_rects(diagram)
            assert len(rects) >= 2 * n_layers + 4
            for i, (name_a, a) in enumerate(rects):
                assert a.left() >= 0 and a.right() < width, (n_layers, width, name_a)
                for name_b, b in rects[i + 1:]:
                    assert not a.intersects(b), (n_layers, neurons, width, name_a, name_b)
            # the pairs sit above the diagram, clear of the layer captions
            assert max(r.bottom() for _, r in rects) < diagram.viewportMargins().top()


def test_long_input_names_are_elided_with_the_full_name_in_a_tooltip(diagram):
    diagram.resize(360, 500)
    diagram.reset(trainer_for("wine", hidden=(8, 8), steps=0).info())
    names = diagram._texts.inputs
    longest = max(names, key=lambda item: len(item.data(0)))
    assert longest.data(0) == "od280/od315_of_diluted_wines"
    assert longest.text().endswith("…") and longest.toolTip() == longest.data(0)
    for item in names:
        assert item.sceneBoundingRect().left() >= 0
    # the network keeps most of the width: its columns are not squeezed into a strip
    xs = [col.x for col in diagram._layout.columns]
    assert xs[-1] - xs[0] >= 0.5 * 360


def test_neuron_thumbnails_keep_a_least_size_and_wide_layers_summarise(diagram):
    diagram.resize(600, 360)
    trainer = trainer_for("circles", hidden=(64, 64), steps=1)
    shown(diagram, trainer)
    assert diagram._layout.node >= MIN_NODE
    ellipses = [e.text() for e in diagram._texts.ellipses if e]
    assert len(ellipses) == 2 and all(text.endswith("more") for text in ellipses)
    drawn = len(diagram._layout.columns[1].units)
    diagram.resize(600, 1400)  # taller: every neuron fits again
    assert len(diagram._layout.columns[1].units) == 64 > drawn
    assert diagram.counts()["neurons"] == 2 + 64 + 64 + 1


def test_digits_inputs_are_one_image_block(diagram, qtbot):
    from gui.diagram.input_image import InputImageItem

    trainer = trainer_for("digits", hidden=(16,), steps=2)
    snap = shown(diagram, trainer)
    block = diagram.input_block
    assert isinstance(block, InputImageItem) and block.scene() is diagram.scene()
    assert block.values.shape == (8, 8) and block.side == 8
    mean = trainer.dataset.X_train.mean(axis=0).reshape(8, 8)
    np.testing.assert_allclose(block.values, mean)  # no example chosen: the mean input
    assert diagram._neurons[0] == [], "no per-input neuron items"
    assert diagram.counts()["neurons"] == 16 + 10
    assert not [e for e in diagram._texts.ellipses[:1] if e], "no '… N more' for the inputs"
    assert diagram._texts.inputs == []
    # the block sits left of the first hidden column and inside the scene
    rect = block.sceneBoundingRect()
    first_hidden = diagram.neuron_item(1, 0).scenePos().x()
    assert rect.left() >= 0 and rect.right() < first_hidden
    # hover: the pixel's name and value, and its weights
    text = diagram.pixel_tooltip(2, 5)
    assert text.startswith(f"pixel_2_5 (row 2, column 5) = {fmt(mean[2, 5])}")
    assert fmt(snap.weights[0][2 * 8 + 5, 0]) in text
    # fan lines: one per first-layer unit, summaries that are not edited on click
    fan = diagram.edge_layer(0)
    assert fan.n_src == 1 and fan.n_dst == 16
    assert "64 pixel weights into" in diagram.edge_tooltip(0, 0, 3)
    x0, y0, x1, y1 = fan.segment(0, 3)
    assert diagram.hit_at((x0 + x1) / 2, (y0 + y1) / 2) is None
    diagram.set_input_example(trainer.dataset.X_test[0], "example 1")
    np.testing.assert_allclose(block.values, trainer.dataset.X_test[0].reshape(8, 8))
    assert block.caption == "example 1"


def test_first_layer_units_of_image_inputs_show_their_weights_as_the_picture(diagram):
    """Not a heatmap over the plane of pixel 0 and pixel 1 (which says nothing of an image):
    unit u's square is W[:, u] as the 8×8 picture, on one symmetric scale; deeper units are
    discs coloured by their bias, and no value is said to be "over the plane"."""
    from gui.diagram.heatmaps import LUT32, lut_indices

    trainer = trainer_for("digits", hidden=(16, 8), steps=3)
    diagram.reset(trainer.info())
    for surface in (None, 20):  # with or without a surface, the squares are the weights
        snap = take_snapshot(trainer, surface_resolution=surface)
        diagram.show_snapshot(snap)
        W = snap.weights[0]
        scale = np.abs(W[:, :16]).max()
        for u in (0, 7, 15):
            image = diagram.neuron_item(1, u)._image
            assert (image.width(), image.height()) == (8, 8)
            expected = LUT32[lut_indices(W[:, u], -scale, scale)].reshape(8, 8)
            got = np.array([[image.pixel(c, r) for c in range(8)] for r in range(8)],
                           dtype=np.uint32)
            np.testing.assert_array_equal(got, expected)  # row 0 of the picture on top
        assert not diagram.neuron_item(2, 0).has_image
        assert not diagram.neuron_item(3, 0).has_image
        text = diagram.neuron_tooltip(1, 3)
        assert "its 64 weights from the 8×8 pixels" in text
        assert f"±{fmt(scale)}" in text
        assert "over the plane" not in diagram.neuron_tooltip(3, 0)
        assert "on the test set" in diagram.neuron_tooltip(3, 0)
    # a diverged weight is grey, not the white of a zero one
    W = snap.weights[0].copy()
    W[5, 2] = np.nan
    diagram.show_snapshot(dataclasses.replace(snap, weights=[W, *snap.weights[1:]]))
    image = diagram.neuron_item(1, 2)._image
    assert image.pixelColor(5, 0).name() == "#888888"  # pixel 5: row 0, column 5
    assert image.pixelColor(4, 0).name() != "#888888"


def test_non_pixel_inputs_keep_their_neurons(diagram):
    shown(diagram, trainer_for("wine", hidden=(4,), steps=1))
    assert diagram.input_block is None and len(diagram._neurons[0]) == 13
# ----- model summary in the header -------------------------------------------------------
def test_header_states_total_parameters_and_layer_sizes(diagram, qtbot):
    trainer = trainer_for(hidden=(16, 8), steps=0)
    diagram.reset(trainer.info())
    label = diagram.controls.summary_label
    total = trainer.network.n_params
    assert total == 2 * 16 + 16 + 16 * 8 + 8 + 8 * 1 + 1
    assert label.isVisible()
    assert label.text() == f"Total parameters: {total:,} · 2 → 16 → 8 → 1"
    tip = label.toolTip()
    assert "Hidden 1: W (2, 16), b (16,) · 48 parameters" in tip
    assert "Output: W (8, 1), b (1,) · 9 parameters" in tip
    deep = trainer_for(hidden=(32,) * 6, steps=0)
    diagram.reset(deep.info())
    diagram.resize(250, 500)  # narrow: a shorter summary, never clipped
    qtbot.waitUntil(lambda: diagram.controls.width() == 250)
    total = f"{deep.network.n_params:,}"
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    assert label.text() != f"Total parameters: {total} · 2 → 32 → 32 → 32 → 32 → 32 → 32 → 1"
    assert label.text().startswith((f"Total parameters: {total}", f"{total} parameters"))
def test_thousands_are_grouped_in_the_header(diagram):
    trainer = trainer_for(dataset="digits", hidden=(16,), steps=0)
    diagram.reset(trainer.info())
    assert trainer.network.n_params == 64 * 16 + 16 + 16 * 10 + 10 == 1210
    assert diagram.controls.summary_label.text().startswith("Total parameters: 1,210 · ")
def test_hovering_a_layer_caption_shows_its_weight_and_bias_shapes(diagram):
    shown(diagram, trainer_for(hidden=(3,), steps=1))
    title = diagram._texts.titles[1]
    point = diagram.mapFromScene(title.sceneBoundingRect().center())
    under_mouse = diagram.itemAt(point)
    assert under_mouse is title
    assert under_mouse.toolTip() == "Hidden 1 · 3 · tanh\nW (2, 3), b (3,) · 9 parameters"
    assert "W (3, 1), b (1,) · 4 parameters" in diagram._texts.details[2].toolTip()
    assert "layer: W (2, 3), b (3,) · 9 parameters" in diagram.neuron_tooltip(1, 0)


def test_heatmap_colour_indices_cover_the_scale_and_odd_values():
    """Values map linearly onto 0..255 (rounded), outside values onto the ends, +-inf onto
    the ends and NaN onto the middle (white), whatever the input's dtype."""
    from gui.diagram.heatmaps import lut_indices

    values = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, -3.0, 7.0, np.inf, -np.inf, np.nan])
    expected = [0, 64, 128, 191, 255, 0, 255, 255, 0, 128]
    assert lut_indices(values, -1.0, 1.0).tolist() == expected
    assert lut_indices(values.astype(np.float32), -1.0, 1.0).tolist() == expected
    assert lut_indices(np.zeros((2, 3, 4)), 0.0, 0.0).shape == (2, 3, 4)  # a flat scale
    assert lut_indices(values, -1.0, 1.0).dtype == np.uint8
