"""Data files shipped with Backprop Studio: the real datasets (see ``README.md`` here for their
sources and licences) and the application icon (``icons/``).

This folder is an importable package only so that ``importlib.resources.files("resources")``
finds the files wherever the code runs from: a source checkout, an editable install, an
installed wheel or a zip. Read them through ``core.data.resources``.
"""
