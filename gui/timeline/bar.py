"""The timeline bar: scrub back to any kept training step, look around, resume from there.

The kept steps arrive from :class:`~gui.running.observers.TimelineObserver` (copies, via its
signal). Moving the slider pauses training and restores the kept state in the worker thread
(``session.call(observer.restore, step)``, a few milliseconds), then asks every view to show
it (``session.refresh()``). Play (or "Resume from here") trains on from the restored state;
the states after it are then dropped (a new branch, ``core.watch.timeline``).

The slider's positions are steps (linear: half way along is half the steps), and any position
restores the kept state nearest it; ←/→ and Page Up/Down (or a click beside the handle) move
by one and by eight kept states. After every gesture (a drag and its release, keys, clicks)
the slider settles on the step restored and "Resume from here" is offered.
"""

import bisect
import dataclasses

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QSlider, QToolBar, QToolButton

from gui.running.session import describe_error

EMPTY_TEXT = "step 0 of 0 (kept 0)"
#: Largest slider value: steps beyond it are mapped linearly onto it (a QSlider holds ints).
SLIDER_MAX = 2**31 - 1
#: Kept states one Page Up/Down (or a click beside the handle) moves.
PAGE_STATES = 8


def position_text(data):
    """"step 1,234 of 50,000 (kept 512)"."""
    return f"step {data.current:,} of {data.head:,} (kept {len(data.steps)})"


class TimelineSlider(QSlider):
    """A horizontal slider that keeps its own keys while it has focus: ←/→ are also the
    window's Step shortcut, which would train a step (a new branch) instead of moving."""

    OWN_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                Qt.Key.Key_Home, Qt.Key.Key_End)

    def __init__(self, **kwargs):
        super().__init__(Qt.Orientation.Horizontal, **kwargs)

    def event(self, event):
        if (event.type() == QEvent.Type.ShortcutOverride and event.key() in self.OWN_KEYS
                and not event.modifiers()):
            event.accept()  # delivered to keyPressEvent, not to the shortcut
            return True
        return super().event(event)


class TimelineBar(QToolBar):
    """Slider over the kept steps, a position label and "Resume from here".

    Signals
    -------
    restored(object) : the step restored (int), after the views were asked to show it.
    """

    restored = Signal(object)

    def __init__(self, session, observer, parent=None):
        super().__init__("Timeline", parent)
        self.setObjectName("timelineBar")
        self.setToolTip("Timeline: go back to any kept step of this run and resume from there")
        self.session, self.observer = session, observer
        self.data = None
        self._build()
        observer.timelineChanged.connect(self.show_timeline)
        session.runningChanged.connect(self._update_resume)

    def _build(self):
        caption = QLabel(" Timeline ")
        caption.setToolTip("A history of this run's states, kept every few steps")
        self.slider = TimelineSlider(objectName="timelineSlider")
        self.slider.setToolTip("Drag to go back in training: pauses and shows the network as "
                               "it was at that step (←/→ move by one kept state)")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setRange(0, 0)
        self._unit = 1  # steps per slider value
        self.label = QLabel(EMPTY_TEXT, objectName="timelineLabel")
        self.label.setMinimumWidth(230)
        self.label.setToolTip("The step shown, the newest step reached, and how many states "
                              "are kept")
        self.resume = QToolButton(objectName="timelineResume")
        self.resume.setText("Resume from here")
        self.resume.setToolTip("Train on from the step shown (Play does the same). The kept "
                               "states after it are dropped: training takes a new branch")
        self.resume.setEnabled(False)
        for widget in (caption, self.slider, self.label, self.resume):
            self.addWidget(widget)
        self.slider.valueChanged.connect(self._on_slider)
        self.slider.actionTriggered.connect(self._by_kept_states)
        self.slider.sliderReleased.connect(lambda: self.show_timeline(self.data))
        self.resume.clicked.connect(self.session.play)

    # ------------------------------------------------------------------ from the observer
    @Slot(object)
    def show_timeline(self, data):
        """New :class:`~gui.running.observers.TimelineData` (GUI thread)."""
        self.data = data
        self.label.setText(position_text(data))
        self.label.setToolTip(
            f"{len(data.steps)} states kept (about {data.nbytes / 1e6:.1f} MB), one every "
            f"{data.spacing:,} steps; older ones are thinned as the run grows")
        self._update_resume()
        if self.slider.isSliderDown():  # the user is dragging: leave the slider alone
            return
        self._unit = max(1, -(-data.head // SLIDER_MAX))
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, data.head // self._unit)
        self.slider.setValue(data.current // self._unit)
        self.slider.blockSignals(blocked)

    def _update_resume(self, *_):
        d = self.data
        scrubbed = d is not None and d.current < d.head
        self.resume.setEnabled(scrubbed and not self.session.running)

    # ------------------------------------------------------------------ scrubbing
    def _on_slider(self, value):
        if self.data is not None and self.data.steps:
            self.scrub_to(value * self._unit)

    def step_of_slider(self):
        """The step the slider's position stands for."""
        return self.slider.value() * self._unit

    def _by_kept_states(self, action):
        """Arrow keys, Page Up/Down and clicks beside the handle move by kept states (one or
        ``PAGE_STATES``), not by a fixed number of steps that may fall between two."""
        A = QSlider.SliderAction
        moves = {A.SliderSingleStepAdd: 1, A.SliderSingleStepSub: -1,
                 A.SliderPageStepAdd: PAGE_STATES, A.SliderPageStepSub: -PAGE_STATES}
        action = A(action)  # the signal carries a plain int
        if action not in moves or self.data is None or not self.data.steps:
            return
        steps, current, move = self.data.steps, self.data.current, moves[action]
        if move < 0:  # the kept states before the step shown (it may itself not be kept)
            index = bisect.bisect_left(steps, current) + move
        else:
            index = bisect.bisect_right(steps, current) + move - 1
        target = steps[min(max(index, 0), len(steps) - 1)]
        self.slider.setSliderPosition(target // self._unit)

    def scrub_to(self, step):
        """Pause and restore the kept state nearest ``step``; show it on every view."""
        self.session.pause()
        try:
            restored = self.session.call(self.observer.restore, int(step))
        except Exception as exc:  # noqa: BLE001 - shown; the run stays where it was
            self.session.error.emit(f"Could not go back to that step: {describe_error(exc)}")
            return
        self.session.refresh()
        if self.data is not None:  # the observer's own update follows from the worker
            self.show_timeline(dataclasses.replace(self.data, current=restored))
        self.restored.emit(restored)
