"""Take it away, the GUI half: export views as PNG/SVG, save and load weights and sessions.

=====================  ============================================================
module                 what it holds
=====================  ============================================================
``plot_export``        ``export_view(view, path, size)``: one view to PNG or SVG
``figure``             the page of a figure: title, picture laid out to fit, legend
``captions``           what each view's figure says: title, subtitle, legend entries
``export_all``         ``export_all(views, folder, history)``: every view + CSV
``headless``           ``export_all_plots(trainer, folder, size)``: no window needed
``pg_svg``             a working SVG exporter for pyqtgraph's own "Export…" dialog
``ui_state``           the views' display choices kept in a session file
``operations``         what each File-menu action does once a path is chosen
``dialogs``            the export dialog (format, size presets remembered, target)
``context_menu``       right-click "Export view…" / "Export diagram…"
``actions``            ``install_export_actions(window)``: the File-menu actions
=====================  ============================================================

Every file is written through ``core.io.atomic`` (temporary file, then rename).
"""
