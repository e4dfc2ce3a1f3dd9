"""The window shell: the app, ``MainWindow`` and its extension API (docks, menus, actions), the
transport bar, banner, help, zoom and the dock layout."""
