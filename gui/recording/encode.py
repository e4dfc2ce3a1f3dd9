"""Write recorded frames as an animated GIF (Pillow) or an MP4 video (optional ``[video]`` extra).

Qt-free: frames are ``PIL.Image.Image`` in RGB mode, all the same size. Files are written all or
nothing through ``core.io.atomic.atomic_write``.

GIF stores frame times in hundredths of a second, so the frame rates offered (``FRAME_RATES``)
all give whole hundredths. Pillow merges a frame identical to the one before it into that
frame (its time is added), so a paused stretch costs one frame, not many: the animation's
total time is always ``len(frames) / fps``.
"""

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from core.errors import UserInputError
from core.io.atomic import atomic_write

#: Frames per second offered: each gives a whole number of hundredths per GIF frame.
FRAME_RATES = (5, 10, 20, 25)
#: File suffix -> format name shown to the user.
FORMATS = {".gif": "animated GIF", ".mp4": "MP4 video"}
VIDEO_HINT = ("MP4 recording needs the optional video extra: pip install "
              "'backprop-studio[video]' (it installs imageio-ffmpeg). Choose a .gif file "
              "instead, or install the extra and restart.")


def video_available():
    """True when the MP4 encoder (``imageio_ffmpeg``) can be imported."""
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def check_target(path):
    """Check the suffix (and the MP4 encoder) before recording; returns ``Path(path)``.

    Raises
    ------
    UserInputError
        Not ``.gif``/``.mp4``, or ``.mp4`` without the video extra.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserInputError(f"Cannot record to {path.name}: the file name must end in "
                             f"{' or '.join(FORMATS)}.")
    if suffix == ".mp4" and not video_available():
        raise UserInputError(VIDEO_HINT)
    return path


def frame_ms(fps):
    """Milliseconds per frame at ``fps`` frames per second (an integer)."""
    return round(1000 / fps)


def write_animation(path, frames, fps):
    """Write ``frames`` (list of RGB ``PIL.Image``, same size) to ``path`` (.gif or .mp4).

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        No frames, a wrong suffix, a missing encoder, or the file cannot be written (the
        previous file, if any, is left as it was).
    """
    path = check_target(path)
    if not frames:
        raise UserInputError("Nothing was recorded: no frame was captured.")
    if path.suffix.lower() == ".gif":
        return atomic_write(path, lambda f: _write_gif(f, frames, fps))
    return atomic_write(path, lambda f: _write_mp4(f, frames, fps))


def _write_gif(f, frames, fps):
    first, *rest = frames
    first.save(f, format="GIF", save_all=True, append_images=rest, duration=frame_ms(fps),
               loop=0, optimize=False)


def _write_mp4(f, frames, fps):
    """Encode with ffmpeg (through imageio-ffmpeg) to a scratch file, then copy it into ``f``.
    H.264 in yuv420p needs even sides: an odd last row or column is cropped."""
    import imageio_ffmpeg

    width, height = frames[0].size
    width, height = width - width % 2, height - height % 2
    folder = os.path.dirname(os.path.abspath(f.name)) if isinstance(f.name, str) else None
    fd, scratch = tempfile.mkstemp(suffix=".mp4", dir=folder)
    os.close(fd)
    try:
        writer = imageio_ffmpeg.write_frames(scratch, (width, height), fps=fps,
                                             codec="libx264", pix_fmt_in="rgb24",
                                             pix_fmt_out="yuv420p", macro_block_size=2)
        writer.send(None)  # start the encoder
        for frame in frames:
            writer.send(frame.crop((0, 0, width, height)).tobytes())
        writer.close()
        with open(scratch, "rb") as encoded:
            shutil.copyfileobj(encoded, f)
    finally:
        os.unlink(scratch)
