"""``Recorder``: grabs a widget at a fixed frame rate on the GUI thread.

``widget.grab()`` renders the widget as it is on screen; it must run in the GUI thread, which
is where the recorder's ``QTimer`` fires. Frames are kept in memory as RGB ``PIL`` images (wide
windows scaled down to ``MAX_WIDTH``) until the recording stops, when they are written in one
go (``gui.recording.encode``). A memory budget bounds the frame count: reaching it stops the
recording, and says so.
"""

from PIL import Image
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage

#: Frames wider than this are scaled down (slides rarely need more, memory does).
MAX_WIDTH = 1280
#: Bytes of frames kept at most (RGB, 3 bytes a pixel).
MEMORY_BUDGET = 768 * 2**20


def grab_frame(widget):
    """The widget as it is on screen, as an RGB ``PIL.Image`` (at most ``MAX_WIDTH`` wide)."""
    image = widget.grab().toImage()
    if image.width() > MAX_WIDTH:
        image = image.scaledToWidth(MAX_WIDTH, Qt.TransformationMode.SmoothTransformation)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = bytes(image.constBits())  # rows padded to bytesPerLine
    return Image.frombuffer("RGB", (width, height), data, "raw", "RGB",
                            image.bytesPerLine(), 1).copy()


class Recorder(QObject):
    """Grab ``widget`` ``fps`` times a second until ``stop()`` or ``duration_s`` is reached.

    Signals
    -------
    frameAdded(int)
        The number of frames so far.
    stopped(str)
        Recording ended; the text says why ("" when stopped on request or at the duration).
    """

    frameAdded = Signal(int)
    stopped = Signal(str)

    def __init__(self, widget, fps, duration_s=0.0, parent=None):
        super().__init__(parent)
        self.widget = widget
        self.fps = int(fps)
        self.frames = []
        self.size = None
        self._limit = round(duration_s * self.fps) if duration_s else None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(round(1000 / self.fps))
        self._timer.timeout.connect(self._grab)

    @property
    def recording(self):
        return self._timer.isActive()

    def start(self):
        """Grab the first frame now, then one per timer tick."""
        self._timer.start()
        self._grab()

    def stop(self, reason=""):
        """Stop grabbing (idempotent: ``stopped`` is emitted once)."""
        if self._timer.isActive():
            self._timer.stop()
            self.stopped.emit(reason)

    def _grab(self):
        if not self._timer.isActive():
            return
        frame = grab_frame(self.widget)
        if self.size is None:
            self.size = frame.size
        elif frame.size != self.size:  # the window was resized: keep one frame size
            frame = frame.resize(self.size, Image.Resampling.BILINEAR)
        self.frames.append(frame)
        self.frameAdded.emit(len(self.frames))
        width, height = self.size
        if self._limit is not None and len(self.frames) >= self._limit:
            self.stop()
        elif len(self.frames) * width * height * 3 >= MEMORY_BUDGET:
            self.stop(f"Recording stopped after {len(self.frames)} frames: the memory set "
                      "aside for frames is full. Record a smaller view or a shorter clip.")
