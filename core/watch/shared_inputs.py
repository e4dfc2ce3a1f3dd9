"""Network inputs in shared memory: one copy for the window and its training process.

Why: on MNIST-size data the network-ready inputs are 376 MB. The window's trainer needs
them (Step, step-through, paced play) and so does the training process that steps at full
speed (``core.watch.remote_run``); sent as bytes, each process holds its own copy. Made here,
they live in a ``multiprocessing.shared_memory`` block that both processes map: the second
process attaches by name, and the pages are counted once.

- :func:`shared_network_inputs` makes a trainer's inputs in shared blocks, row block by row
  block (no full-size temporary), read-only, equal to what ``Trainer`` itself would make.
- :func:`shared_reduction` pickles such an array as the name of its block (used by
  ``remote_run.send_buffered``); unpickling in the other process attaches (:func:`attach`).
- :class:`InputsReuse` hands the same arrays to the next trainer built on the same data with
  the same scaling, so that a new network does not make (and send) another copy.

Lifetime: a block's memory stays mapped while any array made from it lives (the arrays keep
their :class:`SharedBlock` as ``base``); the process that made the block removes its name
when its last array goes, and the memory is freed when the last process unmaps it.
Shared arrays are read-only: two trainers, or two processes, may read the same rows.
"""

import contextlib
import ctypes
import os
import threading
import weakref
from multiprocessing import shared_memory

import numpy as np

#: Rows are transformed in blocks of about this many bytes (a full-size temporary is the
#: size of the inputs themselves).
BLOCK_BYTES = 8 * 2**20
#: Free space kept on the shared-memory file system: a block that would not leave this much
#: is not made (writing into a block whose pages cannot be had kills the process on Linux).
SPARE_BYTES = 64 * 2**20
#: Where Linux keeps shared memory (its free space is checked before a block is made).
SHM_FOLDER = "/dev/shm"


class SharedBlock:
    """One shared-memory block seen as an array: the ``base`` of the arrays made from it.

    ``np.asarray(block)`` gives the array (``__array_interface__``); numpy keeps ``block``
    alive as that array's base, and the block keeps the mapping open.
    """

    def __init__(self, memory, shape, dtype, owner):
        self.memory = memory
        self.name = memory.name
        self.shape, self.dtype, self.owner = tuple(shape), np.dtype(dtype), owner
        probe = (ctypes.c_char * memory.size).from_buffer(memory.buf)
        self.address = ctypes.addressof(probe)
        del probe  # no export held: the mapping can be closed once no array needs it
        self.__array_interface__ = {"shape": self.shape, "typestr": self.dtype.str,
                                    "data": (self.address, False), "version": 3}


def shared_empty(shape, dtype):
    """A new writable array of ``shape`` and ``dtype`` in a shared block of its own, or None
    when shared memory cannot be had (not enough free space, or the system refuses)."""
    dtype = np.dtype(dtype)
    nbytes = max(int(np.prod(shape)) * dtype.itemsize, 1)
    if not _room_for(nbytes):
        return None
    try:
        memory = shared_memory.SharedMemory(create=True, size=nbytes)
    except OSError:
        return None
    if not _reserve(memory, nbytes):
        return None
    block = SharedBlock(memory, shape, dtype, owner=True)
    weakref.finalize(block, _forget, memory)
    return np.asarray(block)


def attach(name, shape, dtype):
    """The read-only array of the shared block ``name`` made by another process."""
    memory = shared_memory.SharedMemory(name=name)
    return _read_only(np.asarray(SharedBlock(memory, shape, dtype, owner=False)))


def shared_reduction(array):
    """``(attach, (name, shape, dtype))`` for an array that is a whole shared block (so that
    pickle sends its name, not its bytes), else None."""
    block = array.base
    if (type(block) is not SharedBlock or array.shape != block.shape
            or array.dtype != block.dtype or array.ctypes.data != block.address
            or not array.flags.c_contiguous):
        return None
    return attach, (block.name, block.shape, block.dtype.str)


def is_shared(array):
    """True if ``array`` is a whole shared block (it would travel by name)."""
    return shared_reduction(array) is not None


def shared_network_inputs(pipeline, dataset, dtype):
    """``(X_train, X_test)``: ``pipeline.transform`` of the dataset's raw inputs in ``dtype``,
    each in a shared block, made a block of rows at a time; read-only. None when shared
    memory cannot be had (the caller then lets the trainer make ordinary arrays)."""
    made = []
    for X_raw in (dataset.X_train, dataset.X_test):
        out = shared_empty((len(X_raw), pipeline.n_outputs), dtype)
        if out is None:
            return None
        rows = max(1, BLOCK_BYTES // max(1, X_raw.shape[1] * 8))
        for start in range(0, len(X_raw), rows):
            out[start:start + rows] = pipeline.transform(X_raw[start:start + rows], dtype=dtype)
        made.append(_read_only(out))
    return tuple(made)


class InputsReuse:
    """The shared inputs made last, for the next trainer on the same data and scaling.

    Holds them weakly: they stay only while a trainer (or the training process's handle)
    uses them. Thread-safe (trainers are built on pool threads).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._arrays = ()

    def inputs_for(self, pipeline, dataset, dtype):
        """Shared ``(X_train, X_test)`` for ``pipeline`` on ``dataset`` in ``dtype``: the last
        ones if made for the same, else new ones (None if shared memory cannot be had).
        One build at a time: a second request for the same inputs waits and reuses them."""
        with self._lock:
            arrays = tuple(ref() for ref in self._arrays)
            alive = self._key is not None and all(X is not None for X in arrays)
            if alive and self._same(pipeline, dataset, dtype):
                return arrays
            arrays = shared_network_inputs(pipeline, dataset, dtype)
            if arrays is None:
                self._key, self._arrays = None, ()
            else:
                self._key = (weakref.ref(dataset), pipeline, np.dtype(dtype))
                self._arrays = tuple(weakref.ref(X) for X in arrays)
            return arrays

    def existing(self, pipeline, dataset, dtype):
        """The shared ``(X_train, X_test)`` made for ``pipeline`` on ``dataset`` in ``dtype``
        if they are still alive, else None (nothing is made)."""
        with self._lock:
            arrays = tuple(ref() for ref in self._arrays)
            alive = self._key is not None and all(X is not None for X in arrays)
            return arrays if alive and self._same(pipeline, dataset, dtype) else None

    def _same(self, pipeline, dataset, dtype):
        dataset_ref, known, known_dtype = self._key
        return (dataset_ref() is dataset and known_dtype == np.dtype(dtype)
                and known.to_dict() == pipeline.to_dict())


def _read_only(array):
    array.flags.writeable = False
    return array


def _room_for(nbytes):
    """False when the shared-memory folder exists and lacks ``nbytes`` plus a margin."""
    try:
        stats = os.statvfs(SHM_FOLDER)
    except (OSError, AttributeError):  # not Linux: the system sizes shared memory itself
        return True
    return stats.f_bavail * stats.f_frsize >= nbytes + SPARE_BYTES


def _reserve(memory, nbytes):
    """Have the system set aside the block's pages now (Linux): a block whose pages are taken
    only when written would kill the process if the shared-memory folder filled up meanwhile
    (another build, another program). False, and the block removed, if they cannot be had."""
    fd = getattr(memory, "_fd", -1)  # CPython's SharedMemory keeps its descriptor here
    if fd < 0 or not hasattr(os, "posix_fallocate"):
        return True
    try:
        os.posix_fallocate(fd, 0, nbytes)
    except OSError:
        _forget(memory)
        memory.close()
        return False
    return True


def _forget(memory):
    """The maker's last array is gone (or the interpreter is exiting): remove the block's name.
    The mapping is released with ``memory`` itself, once nothing uses it: closing it here would
    leave arrays still alive at exit (a thread's trainer) pointing at unmapped memory. A process
    that attached keeps its own mapping until it lets go."""
    with contextlib.suppress(OSError):  # already removed (e.g. by the system at shutdown)
        memory.unlink()
