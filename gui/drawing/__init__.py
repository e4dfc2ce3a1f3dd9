"""Your own data, drawn: edit 2-D training points on the decision surface, draw digits.

- ``class_picker``: coloured buttons choosing the class a click adds;
- the pure edits of a 2-D training set (add, remove, clear, blank canvas) are
  ``core.teach.editing``'s;
- ``data_swap``: hands edited data to the trainer in the worker thread, keeping the run;
- ``point_editor``: mouse clicks on the surface view → edits; the draft canvas;
- ``edit_bar``: the "Edit points" toggle, class picker, Clear and Blank canvas buttons;
- ``drawing_canvas`` / ``live_predictor`` / ``drawing_pad``: the digit drawing pad;
- ``install``: ``install_drawing(window)`` wires all of it into the main window.
"""
