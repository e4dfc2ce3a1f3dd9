"""What the main window remembers between runs, in ``QSettings`` (INI format, user scope,
organisation "BackpropStudio"): the window's geometry and dock layout (``window/…``), the
training speed, the loss plot's log scale, and the last dataset and settings (``run/…``).

:class:`RememberedSettings` is mixed into ``MainWindow``: it reads them back when the window
opens (stale or broken entries fall back to the defaults) and writes them when it closes.
"""

import dataclasses
import json

from PySide6.QtCore import QSettings

from core.train.config import TrainConfig
from gui.shell.transport import DEFAULT_SPEED
from gui.shell.window_fit import restore_fitted_geometry

ORGANISATION = "BackpropStudio"
SETTINGS_APP = "Backprop Studio"
DEFAULT_SIZE = (1280, 800)


def app_settings():
    """The ``QSettings`` store of the app (INI format, user scope)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                     ORGANISATION, SETTINGS_APP)


class RememberedSettings:
    """``MainWindow``'s settings methods (it provides ``dataset_panel``, ``transport``,
    ``window_layout``, ``session``, ``actions_by_name`` and ``_toggle_log_scale``)."""

    _pace_not_chosen = False  # True while a lesson sets its own pace

    def _initial_run(self, dataset, config):
        """``(dataset, config)`` to start with: the given ones, else the last run's."""
        if dataset is not None:
            self.dataset_panel.show_dataset(dataset)
        else:
            self._restore_dataset()
        dataset = self.dataset_panel.current_dataset()
        config = config if config is not None else self._restored_config(dataset)
        if config.features and dataset.is_2d:
            self.dataset_panel.set_features(config.features)
        return dataset, config

    def _restore_dataset(self):
        text = app_settings().value("run/dataset")
        try:
            return bool(text) and self.dataset_panel.apply_settings(json.loads(text))
        except Exception:  # noqa: BLE001 - stale settings: start from the defaults
            return False

    def _restored_config(self, dataset):
        text = app_settings().value("run/config")
        try:
            config = TrainConfig.from_dict(json.loads(text)) if text else TrainConfig()
            config.validate(dataset)
        except Exception:  # noqa: BLE001 - stale settings: start from the defaults
            config = TrainConfig()
        if config.features and not dataset.is_2d:
            config = dataclasses.replace(config, features=())
        return config

    def _restore_layout(self):
        settings = app_settings()
        restore_fitted_geometry(self, settings.value("window/geometry"), DEFAULT_SIZE)
        self.window_layout.restore(settings.value("window/state"),
                                   settings.value("window/layoutAuto", True) in (True, "true"))
        shares = settings.value("window/columnShares")
        if not self.window_layout.auto and isinstance(shares, list) and len(shares) == 2:
            self.window_layout.shares = tuple(min(max(float(v), 0.1), 0.6) for v in shares)
        self.transport.set_speed_value(int(settings.value("training/speed", DEFAULT_SPEED)))
        log = settings.value("view/logScale", False) in (True, "true")
        self.actions_by_name["logScale"].setChecked(log)
        self._toggle_log_scale(log)

    def _remember_speed(self, speed):
        if not self._pace_not_chosen:
            app_settings().setValue("training/speed", speed)

    def set_pace(self, steps_per_second):
        """Play at ``steps_per_second`` (a lesson's watchable pace) without remembering it
        as the user's speed: the next start keeps the speed the user chose."""
        self._pace_not_chosen = True
        try:
            self.transport.set_speed_value(steps_per_second)
        finally:
            self._pace_not_chosen = False

    def save_settings(self):
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/layoutAuto", self.window_layout.auto)
        settings.setValue("window/columnShares", list(self.window_layout.shares))
        settings.setValue("view/logScale", self.actions_by_name["logScale"].isChecked())
        settings.setValue("run/dataset", json.dumps(self.dataset_panel.settings()))
        settings.setValue("run/config", json.dumps(self.session.config.to_dict()))
        settings.sync()
