"""The timeline bar: scrub back to any kept training step, look around, resume from there.

The kept steps arrive from :class:`~gui.insight.observers.TimelineObserver` (copies, via its
signal). Moving the slider pauses training and restores the kept state in the worker thread
(``call_with_trainer(lambda t: observer.restore(t, step))``), then asks every view to show
it (``refresh_views``). Restores are coalesced: while one runs, only the newest slider
position is remembered and restored next. Play (or "Resume from here") trains on from the
restored state; the states after it are then dropped (a new branch, ``core.timeline``).
"""

import bisect

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QSlider, QToolBar, QToolButton

from gui.trainer_calls import call_with_trainer, refresh_views

EMPTY_TEXT = "step 0 of 0 (kept 0)"


def position_text(data):
    """"step 1,234 of 50,000 (kept 512)"."""
    return f"step {data.current:,} of {data.head:,} (kept {len(data.steps)})"


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
        self._target = None  # step wanted next
        self._call = None  # restore running in the worker
        self._finished = None  # the last call, kept referenced (see _done)
        self._build()
        observer.timelineChanged.connect(self.show_timeline)
        session.runningChanged.connect(self._update_resume)

    def _build(self):
        caption = QLabel(" Timeline ")
        caption.setToolTip("A history of this run's states, kept every few steps")
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="timelineSlider")
        self.slider.setToolTip("Drag to go back in training: pauses and shows the network as "
                               "it was at that step (←/→ move by one kept state)")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(8)
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
        self.resume.clicked.connect(self.session.play)

    # ------------------------------------------------------------------ from the observer
    @Slot(object)
    def show_timeline(self, data):
        """New :class:`~gui.insight.observers.TimelineData` (GUI thread)."""
        with self.session.worker.gui_drawing():
            self._show(data)

    def _show(self, data):
        self.data = data
        self.label.setText(position_text(data))
        self.label.setToolTip(
            f"{len(data.steps)} states kept (about {data.nbytes / 1e6:.1f} MB), one every "
            f"{data.spacing:,} steps; older ones are thinned as the run grows")
        if self._busy():
            return
        index = max(0, bisect.bisect_right(data.steps, data.current) - 1)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(data.steps) - 1, 0))
        self.slider.setValue(index)
        self.slider.blockSignals(blocked)
        self._update_resume()

    def _busy(self):
        """The user is dragging or a restore is under way: keep the slider where it is."""
        return self.slider.isSliderDown() or self._call is not None

    def _update_resume(self, *_):
        d = self.data
        scrubbed = d is not None and d.current < d.head
        self.resume.setEnabled(scrubbed and not self.session.running)

    # ------------------------------------------------------------------ scrubbing
    def _on_slider(self, index):
        if self.data is not None and 0 <= index < len(self.data.steps):
            self.scrub_to(self.data.steps[index])

    def scrub_to(self, step):
        """Pause and restore the kept state nearest ``step`` (coalesced with other requests)."""
        self._target = int(step)
        if self._call is None:
            self._start()

    def _start(self):
        step, observer = self._target, self.observer
        self._call = call_with_trainer(self.session, lambda t: observer.restore(t, step),
                                       on_done=lambda s: self._done(step, s),
                                       on_error=self._failed)

    def _done(self, requested, step):
        # Keep the finished call referenced until the next one ends: dropping its last
        # reference now would free its worker-side runner from this thread while that
        # runner may still be finishing in the worker thread.
        self._finished, self._call = self._call, None
        refresh_views(self.session)
        if self._target != requested:
            self._start()
            return
        self._target = None
        if self.data is not None:
            self.show_timeline(self.data)
        self.restored.emit(step)

    def _failed(self, exc):
        self._call = None
        self._target = None
        self.session.error.emit(f"Could not go back to that step: {exc}")
