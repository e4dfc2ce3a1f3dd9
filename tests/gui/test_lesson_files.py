"""Lesson files through the real window: save, open in a fresh window, hidden and locked
controls, Unlock and Leave lesson, bad files, the "nothing lost" question, ``--lesson``."""

import dataclasses
from importlib import resources

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.lesson_file import load_lesson
from core.teach.lessons import builtin_lesson_files
from core.train.config import TrainConfig
from gui.lessons.lock import control_widgets
from gui.shell.app import make_window, parse_start, split_lesson_arg
from tests.gui.helpers import action, pause_training

TIMEOUT = 20_000
HIDDEN = ["optimizer"]
LOCKED = ["learning_rate", "hidden_layers", "dataset"]


def new_window(qtbot, dataset=None, config=None, lesson=None):
    window = make_window(dataset, config, lesson)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def teacher(qtbot):
    w = new_window(qtbot, load_dataset("moons", n_samples=300, noise=0.2, seed=4),
                   TrainConfig(hidden=(5, 3), activation="relu", optimizer="adam", lr=0.01,
                               batch_size=20, epochs=500, seed=2))
    yield w
    w.close()


def same_setup(a, b):
    """Whether windows ``a`` and ``b`` train the same data with the same settings (a new
    run's config has "Auto" choices resolved for its data)."""
    return (a.session.dataset.spec == b.session.dataset.spec
            and (a.session.dataset.X_train == b.session.dataset.X_train).all()
            and a.session.config.resolved(a.session.dataset)
            == b.session.config.resolved(b.session.dataset))


def save_from_window(qtbot, monkeypatch, window, path):
    """File → Save as lesson…: fill the dialog, tick boxes, press Save…, pick ``path``."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    action(window, "saveLesson").trigger()
    dialog = window.findChild(QDialog, "saveLessonDialog")
    assert dialog is not None and dialog.isVisible()
    assert not dialog.save_button.isEnabled()  # no title yet
    qtbot.keyClicks(dialog.title, "Moons with Adam")
    dialog.text.setPlainText("Adam bends the boundary between the moons.")
    dialog.look_at.setPlainText("The decision surface after 50 epochs.")
    for name in HIDDEN:
        dialog.hide_boxes[name].click()
    for name in LOCKED:
        dialog.lock_boxes[name].click()
    dialog.save_button.click()
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)


def assert_held(window):
    """The lesson's controls are hidden / locked, and the bar says so."""
    for name in HIDDEN:
        visible = [w.objectName() or type(w).__name__ for w in control_widgets(window, name)
                   if w.isVisibleTo(window)]
        assert not visible, (name, visible)
    for name in LOCKED:
        assert not any(w.isEnabled() for w in control_widgets(window, name)), name
    controls = window.diagram.controls
    assert not controls.layer_plus.isEnabled() and not controls.layer_minus.isEnabled()
    assert not any(b.isEnabled() for b in controls.neuron_buttons(0))
    bar = window.lessons.files.lock.bar
    assert bar.isVisible()
    assert bar.text.text() == "Lesson: Moons with Adam — some controls are hidden and locked"
    assert window.hyper_panel.epochs.isEnabled()  # what the lesson does not hold stays free


def test_a_saved_lesson_opens_in_a_fresh_window_with_the_same_setup(
        qtbot, monkeypatch, teacher, tmp_path):
    path = tmp_path / "moons.bplesson"
    save_from_window(qtbot, monkeypatch, teacher, path)
    lesson = load_lesson(path)
    assert lesson.title == "Moons with Adam" and lesson.hidden_controls == tuple(HIDDEN)

    student = new_window(qtbot)  # last settings: not the teacher's setup
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    action(student, "openLesson").trigger()
    assert same_setup(student, teacher)
    assert student.diagram.controls.hidden == (5, 3)
    assert student.hyper_panel.config_fields()["optimizer"] == "adam"
    assert student.lessons.menu.panel.title.text() == "Moons with Adam"
    assert_held(student)
    # A new run (Reset) lets the panels re-enable what they like: the lesson holds again.
    action(student, "reset").trigger()
    # (Reset refills the panels at once; the hold comes back with the new run's trainer)
    qtbot.waitUntil(lambda: not any(w.isVisibleTo(student) for name in HIDDEN
                                    for w in control_widgets(student, name)), timeout=TIMEOUT)
    assert_held(student)

    before_unlock = (student.session.dataset, student.session.config)  # Reset drew a new seed
    student.findChild(QWidget, "lessonUnlock").click()
    for name in HIDDEN + LOCKED:
        assert all(w.isEnabled() for w in control_widgets(student, name)
                   if w.objectName() != "batch_size"), name
    assert student.hyper_panel.optimizer.isVisibleTo(student)
    assert student.diagram.controls.layer_plus.isEnabled()
    assert not student.lessons.files.lock.bar.isVisible()
    assert (student.session.dataset, student.session.config) == before_unlock  # run unchanged
    action(student, "leaveLesson").trigger()
    assert not student.lessons.menu.dock.isVisible()
    assert not action(student, "leaveLesson").isEnabled()
    student.close()


def test_leave_lesson_gives_every_control_back(qtbot, teacher, tmp_path):
    path = tmp_path / "moons.bplesson"
    files = teacher.lessons.files
    assert files.save_to(path, "Moons with Adam", "text", "look", HIDDEN, LOCKED)
    assert files.open_file(path)
    assert_held(teacher)
    action(teacher, "leaveLesson").trigger()
    assert teacher.hyper_panel.optimizer.isVisibleTo(teacher)
    assert teacher.hyper_panel.lr.isEnabled()
    assert teacher.dataset_panel.csv_button.isEnabled()
    assert not teacher.diagram.controls.layer_plus.isHidden()
    assert teacher.diagram.controls.layer_plus.isEnabled()


@pytest.mark.parametrize("content", [
    b"{ not json", b'{"format": "backprop-studio-lesson", "version": 7, "title": "x"}',
    b'{"format": "backprop-studio-lesson", "version": 1, "title": "x", '
    b'"dataset": {"name": "circles", "n_samples": 999999999}}',
])
def test_a_bad_lesson_file_is_refused_and_the_run_is_kept(qtbot, teacher, tmp_path, content):
    path = tmp_path / "bad.bplesson"
    path.write_bytes(content)
    before = (teacher.session.dataset, teacher.session.config)
    assert not teacher.lessons.files.open_file(path)
    assert (teacher.session.dataset, teacher.session.config) == before
    assert teacher.banner.kind == "error"
    assert "bad.bplesson" in teacher.banner.text()
    assert not teacher.lessons.files.lock.bar.isVisible()


def test_opening_a_lesson_over_a_trained_run_asks_first(qtbot, monkeypatch, teacher, tmp_path):
    path = tmp_path / "moons.bplesson"
    files = teacher.lessons.files
    assert files.save_to(path, "Other", "", "", [], [])
    teacher.session.play()
    qtbot.waitUntil(lambda: teacher.session.counters[0] >= 3, timeout=TIMEOUT)
    pause_training(qtbot, teacher)
    asked = []

    def answer(button):
        def question(parent, title, text, *args):
            asked.append(text)
            return button
        return staticmethod(question)

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not files.open_file(path)
    assert teacher.session.counters[0] >= 3 and "trained steps" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    assert files.open_file(path)
    assert teacher.session.counters[0] == 0 and len(asked) == 2


def test_csv_data_cannot_be_saved_as_a_lesson(qtbot, teacher, tmp_path):
    dataset = dataclasses.replace(teacher.session.dataset,
                                  spec={"source": "csv", "path": "/x.csv"})
    teacher.session.dataset = dataset
    files = teacher.lessons.files
    assert not files.save_to(tmp_path / "a.bplesson", "t", "", "")
    assert "built-in datasets" in teacher.banner.text()
    assert not (tmp_path / "a.bplesson").exists()


def test_lesson_option_opens_the_window_on_the_lesson(qtbot, teacher, tmp_path):
    path = tmp_path / "moons.bplesson"
    assert teacher.lessons.files.save_to(path, "Moons with Adam", "", "",
                                                   HIDDEN, LOCKED)
    window = new_window(qtbot, *parse_start(["--lesson", str(path)]))
    assert same_setup(window, teacher)
    assert_held(window)
    window.close()
    assert split_lesson_arg([f"--lesson={path}"]) == (str(path), [])
    for bad in (["--lesson"], ["--lesson", "a", "--lesson", "b"], ["--lesson", "a", "--lr",
                                                                    "0.1"]):
        with pytest.raises(UserInputError, match="--lesson"):
            split_lesson_arg(bad)
    with pytest.raises(UserInputError, match="Cannot read lesson file"):
        parse_start(["--lesson", str(tmp_path / "missing.bplesson")])


def test_each_builtin_lesson_file_opens_and_sets_up(qtbot, teacher):
    files = teacher.lessons.files
    for file in builtin_lesson_files():
        with resources.as_file(file) as path:
            lesson = load_lesson(path)
            assert files.open_file(path), file.name
        assert teacher.session.dataset.name == lesson.dataset
        assert teacher.session.config == lesson.make_config().resolved(lesson.make_dataset())
        assert teacher.lessons.menu.panel.title.text() == lesson.title


def test_save_as_lesson_starts_from_the_open_lesson(qtbot, teacher, tmp_path):
    path = tmp_path / "moons.bplesson"
    files = teacher.lessons.files
    assert files.save_to(path, "Moons with Adam", "Some text", "Look here", HIDDEN, LOCKED)
    assert files.open_file(path)
    dialog = files.ask_save()
    assert dialog.title.text() == "Moons with Adam" and dialog.save_button.isEnabled()
    assert dialog.look_at.toPlainText() == "Look here"
    assert dialog.hide_boxes["optimizer"].isChecked()
    assert not dialog.lock_boxes["optimizer"].isEnabled()  # hidden already holds it
    assert [n for n, box in dialog.lock_boxes.items() if box.isChecked()] == sorted(
        LOCKED, key=list(dialog.lock_boxes).index)
    dialog.reject()
