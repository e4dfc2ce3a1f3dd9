"""Nothing lost by accident: Edit → Undo/Redo of a change that replaced the run, and the
"Save / Discard / Cancel" question before an unsaved run is closed or replaced.

- :mod:`gui.running.change_words`: what a change did, in the panels' words;
- :mod:`gui.undo.kept_runs`: the bounded, memory-capped stacks of runs kept aside;
- :mod:`gui.undo.records`: the per-step records of a run, taken and put back (gradient
  norms and timeline in the worker thread, the Distributions view's bands in the GUI thread);
- :mod:`gui.undo.run_history`: ``RunHistory``, the session's keeper and the Edit actions;
- :mod:`gui.undo.unsaved`: the question, and Quit through it.

``gui.undo.install.install_undo(window)`` puts it all on a main window. (Not imported here:
``gui.running.session`` imports the wording, and the rest imports ``gui.running.session``.)
"""
