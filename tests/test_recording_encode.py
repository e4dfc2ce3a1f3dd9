"""Writing recorded frames: GIF frame count, size and timing; MP4 without its encoder."""

import numpy as np
import pytest
from PIL import Image

from core.errors import UserInputError
from gui.recording import encode


def _frames(n, size=(64, 48)):
    """``n`` distinct RGB frames: a bar that moves one pixel per frame."""
    frames = []
    for i in range(n):
        pixels = np.zeros((size[1], size[0], 3), dtype=np.uint8)
        pixels[:, i % size[0]] = (255, 128, 0)
        frames.append(Image.fromarray(pixels))
    return frames


def test_gif_has_every_frame_at_the_frame_rate(tmp_path):
    path = encode.write_animation(tmp_path / "clip.gif", _frames(12), fps=20)
    with Image.open(path) as gif:
        assert gif.n_frames == 12 and gif.size == (64, 48)
        durations = []
        for i in range(gif.n_frames):
            gif.seek(i)
            durations.append(gif.info["duration"])
        assert durations == [50] * 12
        assert gif.info.get("loop") == 0


def test_identical_frames_merge_but_keep_the_total_time(tmp_path):
    frames = _frames(3)
    frames = [frames[0], frames[0].copy(), frames[0].copy(), frames[1], frames[2]]
    path = encode.write_animation(tmp_path / "still.gif", frames, fps=10)
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        total = 0
        for i in range(gif.n_frames):
            gif.seek(i)
            total += gif.info["duration"]
    assert total == 5 * 100


def test_bad_targets_are_refused_before_anything_is_written(tmp_path, monkeypatch):
    with pytest.raises(UserInputError, match=r"\.gif or \.mp4"):
        encode.write_animation(tmp_path / "clip.avi", _frames(2), fps=10)
    with pytest.raises(UserInputError, match="no frame"):
        encode.write_animation(tmp_path / "empty.gif", [], fps=10)
    monkeypatch.setattr(encode, "video_available", lambda: False)
    with pytest.raises(UserInputError, match=r"backprop-studio\[video\]"):
        encode.check_target(tmp_path / "clip.mp4")
    assert list(tmp_path.iterdir()) == []


def test_mp4_goes_through_imageio_ffmpeg_with_even_sides(tmp_path, monkeypatch):
    """The encoder protocol (imageio-ffmpeg's ``write_frames`` generator), with a stand-in
    encoder that writes the frames it receives, so the test needs no ffmpeg."""
    import sys
    import types

    received = {}

    def write_frames(path, size, **options):
        received.update(size=size, options=options, frames=[])
        try:  # as imageio-ffmpeg: send(None) runs to the first yield, each send is a frame
            while True:
                frame = yield
                received["frames"].append(frame)
        except GeneratorExit:
            with open(path, "wb") as f:
                f.write(b"".join(received["frames"]))

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg",
                        types.SimpleNamespace(write_frames=write_frames))
    monkeypatch.setattr(encode, "video_available", lambda: True)
    path = encode.write_animation(tmp_path / "clip.mp4", _frames(4, size=(65, 47)), fps=25)
    assert received["size"] == (64, 46) and received["options"]["fps"] == 25
    assert [len(f) for f in received["frames"]] == [64 * 46 * 3] * 4
    assert path.read_bytes() == b"".join(received["frames"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]  # no scratch file left
