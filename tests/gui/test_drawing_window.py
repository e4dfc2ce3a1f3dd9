"""Your own data, drawn: point editing on the decision surface and the digit drawing pad,
driven through the real window with simulated mouse input."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QImage
from PySide6.QtTest import QTest

from core.data import load_dataset
from core.teach import editing
from core.teach.digit_ink import downsample_to_digits
from core.train.config import TrainConfig
from gui.drawing.drawing_canvas import BRUSH_WIDTH, CANVAS_SIZE
from gui.theme.style import class_color
from gui.views.plot_style import binary_lut
from gui.views.surface import SURFACE_STRENGTH, _class_rgb, multiclass_rgb
from tests.gui.helpers import in_worker, shown_window

TIMEOUT = 15_000
PNG_DIR = os.environ.get("BPS_PNG_DIR")


def open_window(qtbot, dataset, **config):
    w = shown_window(qtbot, dataset, TrainConfig(epochs=10**6, **config))
    actions = {name: w.actions_by_name[name] for name in ("drawDigit",)}
    return w, actions


@pytest.fixture
def window(qtbot):
    """The window on two circles."""
    w, _ = open_window(qtbot, "circles")
    yield w
    w.close()


@pytest.fixture
def digits_window(qtbot):
    w, actions = open_window(qtbot, "digits", hidden=(32,), optimizer="adam", lr=0.01)
    yield w, actions
    w.close()


def rgb_of(widget):
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    bgra = arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4]
    return bgra.reshape(img.height(), img.width(), 4)[..., 2::-1].astype(int)


def save_png(widget, tmp_path, name):
    folder = Path(PNG_DIR) if PNG_DIR else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert widget.grab().save(str(path))
    return path


def run_epoch(qtbot, window):
    """One epoch of training, waited for until its snapshot is shown (weights trained)."""
    session = window.session
    before = session.counters[0]
    session.step_epoch()
    qtbot.waitUntil(lambda: session.counters[0] > before
                    and session.last_snapshot.step == session.counters[0], timeout=TIMEOUT)


def start_editing(qtbot, window, label):
    bar = window.drawing.bar
    qtbot.mouseClick(bar.edit, Qt.MouseButton.LeftButton)
    assert window.drawing.editor.editing and bar.tools.isVisible()
    qtbot.mouseClick(bar.picker.group.button(label), Qt.MouseButton.LeftButton)
    assert bar.picker.current() == label


def click_at(window, x, y, button=Qt.MouseButton.LeftButton):
    """Click the surface view at data coordinates ``(x, y)``; returns the pixel clicked."""
    view = window.decision_view
    px, py = view.to_pixels([[x, y]])[0]
    pos = QPoint(int(round(px)), int(round(py)))
    QTest.mouseClick(view.plot_widget.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)
    return pos


def pixel_size(view):
    """Data units per screen pixel along x and y."""
    p = view.to_pixels([[0.0, 0.0], [1.0, 1.0]])
    return 1.0 / abs(p[1, 0] - p[0, 0]), 1.0 / abs(p[1, 1] - p[0, 1])


def weights(window):
    return [w.copy() for w in window.session.last_snapshot.weights]


# ---- the white points bug ------------------------------------------------------------------
def test_training_points_are_filled_with_their_class_colour(qtbot, window):
    view = window.decision_view
    labels = window.session.dataset.labels_train
    brushes = [p.brush().color().name() for p in view.train_scatter.points()]
    assert brushes == [class_color(k).name() for k in labels]


def test_points_stand_out_from_a_confident_surface():
    """The bug: the surface at full confidence was almost the point fill colour, so points
    showed only their white outline. Fill and background must now differ clearly."""
    lut = binary_lut(SURFACE_STRENGTH)[:, :3].astype(int)
    for end, k in ((lut[0], 0), (lut[-1], 1)):
        fill = np.array(class_color(k).getRgb()[:3])
        assert np.linalg.norm(end - fill) > 80
    probs = np.eye(3)[None]  # (1, 3, 3): each pixel certain of one class
    rgb = multiclass_rgb(probs, _class_rgb(3))[0].astype(int)
    for k in range(3):
        assert np.linalg.norm(rgb[k] - np.array(class_color(k).getRgb()[:3])) > 80


def test_a_point_is_drawn_in_its_class_colour(qtbot, window, tmp_path):
    run_epoch(qtbot, window)
    view = window.decision_view
    start_editing(qtbot, window, 1)
    n = window.session.dataset.n_train
    pos = click_at(window, 3.6, 3.6)  # a corner far from the circles' points
    qtbot.waitUntil(lambda: window.session.dataset.n_train == n + 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view.image.isVisible(), timeout=TIMEOUT)
    centre = rgb_of(view.plot_widget.viewport())[pos.y(), pos.x()]
    assert np.abs(centre - np.array(class_color(1).getRgb()[:3])).max() <= 12
    save_png(view, tmp_path, "surface_point_colours.png")


# ---- editing points --------------------------------------------------------------------------
def test_click_adds_a_point_of_the_selected_class_and_keeps_the_run(qtbot, window):
    run_epoch(qtbot, window)
    session = window.session
    steps, before = session.counters[0], weights(window)
    n = session.dataset.n_train
    start_editing(qtbot, window, 1)
    click_at(window, 0.5, -0.3)
    qtbot.waitUntil(lambda: session.dataset.n_train == n + 1, timeout=TIMEOUT)
    sx, sy = pixel_size(window.decision_view)
    x, y = session.dataset.X_train[-1]
    assert abs(x - 0.5) <= sx and abs(y + 0.3) <= sy
    assert session.dataset.labels_train[-1] == 1
    assert session.counters[0] == steps  # counters kept: no reset
    assert all(np.array_equal(a, b) for a, b in zip(before, weights(window), strict=True))
    assert session.dataset.n_test == load_dataset("circles").n_test
    panel = window.dataset_panel
    assert panel._tiles.checked_name() is None
    assert "edited from Two circles" in panel.description.text()
    assert panel.settings()["spec"]["name"] == "circles"
    panel.select_dataset("circles")  # a tile gives generated data and its settings back
    assert panel._tiles.checked_name() == "circles" and panel.noise.isEnabled()


def test_right_click_removes_the_nearest_point(qtbot, window):
    session = window.session
    start_editing(qtbot, window, 0)
    target = session.dataset.X_train[5].copy()
    n = session.dataset.n_train
    click_at(window, target[0], target[1], Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: session.dataset.n_train == n - 1, timeout=TIMEOUT)
    left = session.dataset.X_train
    assert not np.any(np.all(np.isclose(left, target), axis=1))


def test_right_click_on_empty_space_removes_nothing(qtbot, window):
    start_editing(qtbot, window, 0)
    n = window.session.dataset.n_train
    click_at(window, 0.0, 4.4, Qt.MouseButton.RightButton)  # outside both rings
    qtbot.wait(50)  # nothing is expected to happen; give a wrong swap the chance to show
    assert window.session.dataset.n_train == n


def test_training_continues_on_the_edited_data(qtbot, window):
    session = window.session
    start_editing(qtbot, window, 0)
    with qtbot.waitSignal(session.runningChanged, timeout=TIMEOUT):
        session.play()
    n = session.dataset.n_train
    for x in (-3.5, -3.0):  # each edit lands before the next one (then resumes playing)
        click_at(window, x, 3.8)
        n += 1
        qtbot.waitUntil(lambda n=n: session.dataset.n_train == n, timeout=TIMEOUT)
    for x in (-2.5, -2.0, -1.5):  # quick clicks: coalesced
        click_at(window, x, 3.8)
    qtbot.waitUntil(lambda: session.dataset.n_train == n + 3, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: session.running, timeout=TIMEOUT)
    steps = session.counters[0]
    qtbot.waitUntil(lambda: session.counters[0] > steps, timeout=TIMEOUT)
    with qtbot.waitSignal(session.runningChanged, timeout=TIMEOUT):
        session.pause()


def test_clicks_on_the_axes_do_not_add_points(qtbot, window):
    start_editing(qtbot, window, 0)
    n = window.session.dataset.n_train
    viewport = window.decision_view.plot_widget.viewport()
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(3, viewport.height() - 3))
    qtbot.wait(50)
    assert window.session.dataset.n_train == n


def test_clear_points_pauses_until_both_classes_are_back(qtbot, window):
    session, editor = window.session, window.drawing.editor
    run_epoch(qtbot, window)
    steps = session.counters[0]
    start_editing(qtbot, window, 0)
    qtbot.mouseClick(window.drawing.bar.clear, Qt.MouseButton.LeftButton)
    assert editor.is_draft() and window.decision_view.notice.isVisible()
    assert "both classes" in window.decision_view.notice.toPlainText()
    assert window.decision_view.train_scatter.points().size == 0
    play = window.findChild(QAction, "play")
    assert not play.isEnabled()  # nothing to train on yet
    click_at(window, -1.0, 1.0)
    assert editor.is_draft()
    window.drawing.bar.picker.set_current(1)
    click_at(window, 1.0, -1.0)
    qtbot.waitUntil(lambda: session.dataset.n_train == 2, timeout=TIMEOUT)
    assert not editor.is_draft() and not window.decision_view.notice.isVisible()
    assert play.isEnabled()
    assert list(session.dataset.labels_train) == [0, 1]
    assert session.counters[0] == steps  # the same network goes on


def test_blank_canvas_starts_a_new_network_on_your_points(qtbot, window, tmp_path):
    session, editor = window.session, window.drawing.editor
    qtbot.mouseClick(window.drawing.bar.blank, Qt.MouseButton.LeftButton)
    assert editor.editing and editor.is_draft()
    panel = window.dataset_panel
    assert panel._tiles.checked_name() is None  # the circles tile no longer looks chosen
    assert "blank canvas" in panel.description.text()
    assert not panel.noise.isEnabled() and "by hand" in panel.noise.toolTip()
    for x, y, label in ((-3, 2, 0), (-2, -3, 0), (0, 4, 0), (3, 3, 1), (2, -2, 1)):
        window.drawing.bar.picker.set_current(label)
        click_at(window, x, y)
    qtbot.waitUntil(lambda: session.dataset.name == editing.BLANK_NAME
                    and session.dataset.n_train == 5, timeout=TIMEOUT)
    assert session.dataset.n_test == 0
    with qtbot.waitSignal(session.runningChanged, timeout=TIMEOUT):
        window.findChild(QAction, "play").trigger()
    qtbot.waitUntil(lambda: session.counters[0] > 200, timeout=TIMEOUT)
    with qtbot.waitSignal(session.runningChanged, timeout=TIMEOUT):
        session.pause()
    qtbot.waitUntil(lambda: window.decision_view.image.isVisible(), timeout=TIMEOUT)
    assert rgb_of(window.decision_view).std() > 10
    save_png(window.decision_view, tmp_path, "surface_blank_canvas.png")
    assert panel.current_dataset() is session.dataset and "5 for training" in (
        panel.description.text())
    assert panel.settings()["spec"] == {"name": "circles"}  # drawn points are not restored


def test_choosing_other_data_ends_the_edit(qtbot, window):
    start_editing(qtbot, window, 0)
    click_at(window, 3.6, -3.6)
    window.session.set_dataset(load_dataset("moons"))
    assert window.drawing.editor.dataset().name == "moons"
    assert not window.decision_view.is_frame_held()
    assert window.drawing.editor.editing  # still editable data: editing stays on


# ---- the digit drawing pad ------------------------------------------------------------------
def stroke_points():
    """A "7": a top bar and a diagonal, in canvas pixels."""
    return [(70, 50), (120, 50), (180, 52), (160, 110), (130, 170), (110, 215)]


def draw(canvas, points):
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(*points[0]))
    for p in points[1:]:
        QTest.mouseMove(canvas, QPoint(*p))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(*points[-1]))


def rasterise(points, width, size):
    """Ink 1 where a pixel centre lies within ``width / 2`` of the polyline, else 0."""
    centres = np.stack(np.meshgrid(np.arange(size) + 0.5, np.arange(size) + 0.5), -1)
    best = np.full((size, size), np.inf)
    for a, b in zip(points[:-1], points[1:], strict=True):
        a, b = np.array(a, float), np.array(b, float)
        t = np.clip(((centres - a) @ (b - a)) / max((b - a) @ (b - a), 1e-12), 0.0, 1.0)
        best = np.minimum(best, np.linalg.norm(centres - (a + t[..., None] * (b - a)), axis=-1))
    return (best <= width / 2).astype(float)


def cell_weights(start, side, n_pixels, cells=32):
    """(cells, n_pixels): share of output cell i covered by pixel p, over the cell length."""
    w = np.zeros((cells, n_pixels))
    step = side / cells
    for i in range(cells):
        lo, hi = start + i * step, start + (i + 1) * step
        for p in range(max(0, int(np.floor(lo))), min(n_pixels, int(np.ceil(hi)))):
            w[i, p] = max(0.0, min(hi, p + 1) - max(lo, p)) / step
    return w


def reference_digits(ink):
    """The documented steps of ``core.teach.digit_ink``, written out again."""
    rows = np.flatnonzero((ink >= 0.5).any(axis=1))
    cols = np.flatnonzero((ink >= 0.5).any(axis=0))
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    side = max(r1 - r0, c1 - c0)
    top, left = (r0 + r1 - side) / 2, (c0 + c1 - side) / 2
    mean = cell_weights(top, side, ink.shape[0]) @ ink @ cell_weights(left, side, ink.shape[1]).T
    bitmap = mean >= 0.5
    return bitmap.reshape(8, 4, 8, 4).sum(axis=(1, 3)).reshape(-1).astype(float)


def open_pad(qtbot, window, actions):
    action = actions["drawDigit"]
    assert action is window.findChild(QAction, "drawDigit") and action.isEnabled()
    action.trigger()
    qtbot.waitExposed(window.drawing.dialog)
    return window.drawing.dialog.pad


def test_draw_action_is_only_enabled_for_digits(qtbot, window):
    action = window.findChild(QAction, "drawDigit")
    assert action is not None and not action.isEnabled() and action.toolTip()
    window.session.set_dataset(load_dataset("digits"))
    assert action.isEnabled()


def test_pad_downsamples_a_stroke_like_the_dataset(qtbot, digits_window):
    window, actions = digits_window
    pad = open_pad(qtbot, window, actions)
    points = stroke_points()
    draw(pad.canvas, points)
    got = pad.digit_input()
    want = reference_digits(rasterise(points, BRUSH_WIDTH, CANVAS_SIZE))
    assert got.shape == (64,) and got.max() <= 16
    # Qt antialiases the stroke's edge: a few boundary cells may differ by one pixel count.
    assert np.abs(got - want).max() <= 1
    assert np.count_nonzero(got != want) <= 6
    assert np.array_equal(downsample_to_digits(rasterise(points, BRUSH_WIDTH, CANVAS_SIZE)),
                          want)  # the reference is the documented algorithm
    assert np.array_equal(pad.preview.values(), got)


def test_live_prediction_shows_ten_probabilities(qtbot, digits_window, tmp_path):
    window, actions = digits_window
    run_epoch(qtbot, window)
    pad = open_pad(qtbot, window, actions)
    with qtbot.waitSignal(pad.predictor.predicted, timeout=TIMEOUT):
        draw(pad.canvas, stroke_points())
    first = pad.bars.probabilities()
    assert first.shape == (10,) and abs(first.sum() - 1.0) < 1e-9 and np.all(first >= 0)
    sent = pad.predictor.predictions
    with qtbot.waitSignal(pad.predictor.predicted, timeout=TIMEOUT):
        draw(pad.canvas, [(60, 130), (200, 130)])  # a cross bar: a different drawing
    assert pad.predictor.predictions > sent
    second = pad.bars.probabilities()
    assert abs(second.sum() - 1.0) < 1e-9 and not np.allclose(first, second)
    want = in_worker(qtbot, window, lambda t: t.predict(pad.preview.values()[None])[0])
    np.testing.assert_allclose(second, want, rtol=1e-12, atol=1e-15)  # the paused network
    save_png(window.drawing.dialog, tmp_path, "drawing_pad.png")


def test_clear_wipes_the_drawing_and_the_prediction(qtbot, digits_window):
    window, actions = digits_window
    pad = open_pad(qtbot, window, actions)
    with qtbot.waitSignal(pad.predictor.predicted, timeout=TIMEOUT):
        draw(pad.canvas, stroke_points())
    qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    assert pad.canvas.is_empty() and not pad.preview.values().any()
    assert pad.bars.probabilities() is None
