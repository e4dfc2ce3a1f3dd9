"""The timeline bar: scrub back to any kept training step, look around, resume from there.

The kept steps arrive from :class:`~gui.insight.observers.TimelineObserver` (copies, via its
signal). Moving the slider pauses training and restores the kept state in the worker thread
(``session.call(observer.restore, step)``, a few milliseconds), then asks every view to show
it (``session.refresh()``). Play (or "Resume from here") trains on from the restored state;
the states after it are then dropped (a new branch, ``core.watch.timeline``).
"""

import bisect

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QSlider, QToolBar, QToolButton

from gui.session import describe_error

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
        self.data = data
        self.label.setText(position_text(data))
        self.label.setToolTip(
            f"{len(data.steps)} states kept (about {data.nbytes / 1e6:.1f} MB), one every "
            f"{data.spacing:,} steps; older ones are thinned as the run grows")
        if self.slider.isSliderDown():  # the user is dragging: leave the slider alone
            return
        index = max(0, bisect.bisect_right(data.steps, data.current) - 1)
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(data.steps) - 1, 0))
        self.slider.setValue(index)
        self.slider.blockSignals(blocked)
        self._update_resume()

    def _update_resume(self, *_):
        d = self.data
        scrubbed = d is not None and d.current < d.head
        self.resume.setEnabled(scrubbed and not self.session.running)

    # ------------------------------------------------------------------ scrubbing
    def _on_slider(self, index):
        if self.data is not None and 0 <= index < len(self.data.steps):
            self.scrub_to(self.data.steps[index])

    def scrub_to(self, step):
        """Pause and restore the kept state nearest ``step``; show it on every view."""
        self.session.pause()
        try:
            restored = self.session.call(self.observer.restore, int(step))
        except Exception as exc:  # noqa: BLE001 - shown; the run stays where it was
            self.session.error.emit(f"Could not go back to that step: {describe_error(exc)}")
            return
        self.session.refresh()
        if self.data is not None:
            self.show_timeline(self.data)
        self.restored.emit(restored)
