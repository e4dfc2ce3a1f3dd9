"""``DatasetPanel``: choose the data to learn, how it is generated and which inputs to use.

Every dataset of ``core.data.DATASETS`` is a tile with a thumbnail of its actual points
(grouped: classification, regression, real data), plus "Open CSV…". Below: noise, sample
count, train share and seed (with "Regenerate"), each disabled with the reason when it does
not apply, and the derived 2-D input features as TF Playground's toggles.

Signals
-------
datasetChanged(object)
    A new ``core.data.Dataset``. Generated data is built in the GUI thread (milliseconds);
    a new train share or seed of CSV data is split from the rows in memory on a pool thread
    (or, when the rows' file order is unknown, read again there), behind a progress bar
    with Cancel beside the file name, so the window never freezes on big files. A non-2-D
    dataset implies no derived features: the toggles are cleared without a ``featuresChanged``.
featuresChanged(object)
    The derived features chosen by the user, a tuple in ``DERIVED_FEATURES`` order.
"""

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.data import DATASET_INFO, DATASETS, canonical_features, load_csv, load_dataset
from core.data.image_shape import IMAGE_PIXELS_KEY
from core.errors import UserInputError
from gui.panels import dataset_rules as rules
from gui.panels.csv_dialog import CsvImportDialog
from gui.panels.csv_rebuild import CsvRebuildMixin
from gui.panels.dataset_tiles import DatasetTiles
from gui.panels.feature_toggles import FeatureToggles
from gui.panels.widgets import FloatSpinBox, scroll_body, train_percent_spin
from gui.theme.style import ERROR_FG

DEFAULT_DATASET = "circles"


class DatasetPanel(CsvRebuildMixin, QWidget):
    """The data chooser; see the module docstring for what it shows and emits."""

    datasetChanged = Signal(object)
    featuresChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._updating = False
        self._csv = None  # {"path", "target", "task"} while a CSV file is the data
        self._dataset = None
        self._init_rebuild()
        self.body = scroll_body(self)
        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(6, 4, 4, 4)
        self._tiles = DatasetTiles()
        self._tiles.chosen.connect(self.select_dataset)
        layout.addWidget(self._tiles)
        layout.addLayout(self._csv_row())
        self.description = QLabel(objectName="description", wordWrap=True)
        self.description.setStyleSheet("color: #555;")
        layout.addWidget(self.description)
        self.error_label = QLabel(objectName="error_label", wordWrap=True)
        self.error_label.setStyleSheet(f"color: {ERROR_FG.name()};")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addWidget(self._settings_group())
        self.features_group = FeatureToggles()
        self.feature_boxes = self.features_group.boxes
        self.features_group.changed.connect(self._on_features)
        layout.addWidget(self.features_group)
        layout.addStretch(1)
        self._tiles.select(DEFAULT_DATASET)
        self._show_name_settings(DEFAULT_DATASET)
        self._build_and_show(emit=False)

    # ---- building ------------------------------------------------------------------------
    def _csv_row(self):
        row = QHBoxLayout()
        self.csv_button = QPushButton("Open CSV…", objectName="open_csv")
        self.csv_button.setToolTip(
            "Train on your own table: choose a CSV file, preview it and pick the column to predict."
        )
        self.csv_button.clicked.connect(lambda: self.open_csv())
        self.csv_label = QLabel(objectName="csv_label", wordWrap=True)
        row.addWidget(self.csv_button)
        row.addWidget(self.csv_label, 1)
        self._add_rebuild_widgets(row)
        return row

    def _settings_group(self):
        group = QGroupBox("Generation")
        form = QFormLayout(group)
        self.noise = FloatSpinBox(0.0, 1.0, 0.0)
        self.noise.setObjectName("noise")
        self.noise.setSingleStep(0.05)
        self.noise.setStepType(FloatSpinBox.StepType.DefaultStepType)
        form.addRow("Noise", self.noise)
        self.samples = QSpinBox(
            objectName="samples", minimum=1, maximum=100_000, singleStep=50, keyboardTracking=False
        )
        form.addRow("Samples", self.samples)
        self.train_percent = train_percent_spin("train_percent", 80)
        form.addRow("Training data", self.train_percent)
        self.seed = QSpinBox(
            objectName="data_seed", minimum=0, maximum=2**31 - 1, keyboardTracking=False
        )
        self.seed.setToolTip(
            "Seed of the random generator behind the points and the train/"
            "test split: the same seed gives the same data."
        )
        self.seed.setMinimumWidth(70)  # the hint would fit 10 digits
        self.regenerate = QPushButton("Regenerate", objectName="regenerate")
        self.regenerate.setToolTip("New random data: the next seed.")
        self.regenerate.clicked.connect(lambda: self.seed.setValue(self.seed.value() + 1))
        row = QHBoxLayout()
        row.addWidget(self.seed, 1)
        row.addWidget(self.regenerate)
        form.addRow("Seed", row)
        for box in (self.noise, self.samples, self.train_percent, self.seed):
            box.valueChanged.connect(self._on_setting)
        return group

    # ---- reactions -----------------------------------------------------------------------
    def _on_setting(self):
        if self._updating:
            return
        if self._csv:
            self._rebuild_csv()
        else:
            self._build_and_show(emit=True)

    def _on_features(self, features):
        if not self._updating:
            self.featuresChanged.emit(features)

    def _show_name_settings(self, name, spec=None):
        """Put the defaults (or ``spec``'s values) of dataset ``name`` in the widgets."""
        info, spec = DATASET_INFO[name], spec or {}
        noise = spec.get("noise")
        self._updating = True
        self.noise.setMaximum(max(info.noise_max, 1.0))
        self.noise.setValue(noise if noise is not None else info.default_noise or 0.0)
        fixed = info.exact_table or not info.samples_apply
        self.samples.setMinimum(0 if fixed else 2)
        self.samples.setSpecialValueText("Truth table" if info.exact_table else "All rows")
        self.samples.setValue(spec.get("n_samples") or info.default_samples or 0)
        self._updating = False

    def _describe(self):
        """The description under the tiles: the dataset's, or the CSV file's summary."""
        if rules.is_drawn(self._dataset.spec):
            self.description.setText(rules.drawn_description(self._dataset))
        elif self._csv:
            self.description.setText(self._dataset.summary())
        else:
            self.description.setText(DATASET_INFO[self._name()].description)

    def _apply_enabled(self):
        """Enable what applies to the current data; the tooltip of the rest says why."""
        info = None if self._csv else DATASET_INFO[self._name()]
        settings = (
            (self.noise, rules.noise_reason(info), rules.noise_tip),
            (self.samples, rules.samples_reason(info), rules.samples_tip),
            (self.train_percent, rules.train_share_reason(info, self.samples.value()),
             lambda _info: rules.TRAIN_TIP),
        )
        drawn = rules.is_drawn(self._dataset.spec)
        for widget, reason, tip in settings:
            reason = rules.DRAWN_REASON if drawn else reason
            widget.setEnabled(not reason)
            widget.setToolTip(reason or tip(info))
        self.features_group.set_inputs(self._dataset.X_train.shape[1])

    # ---- loading -------------------------------------------------------------------------
    def _name(self):
        return self._tiles.checked_name() or DEFAULT_DATASET

    def _build(self):
        """A new ``Dataset`` from the widgets (``UserInputError`` on bad input)."""
        ratio, seed = self.train_percent.value() / 100.0, self.seed.value()
        if self._csv:
            dataset = load_csv(self._csv["path"], target=self._csv["target"],
                               task=self._csv["task"], train_ratio=ratio, seed=seed)
            if self._csv.get("image_pixels"):  # the user's word, not in the file: keep it
                dataset.spec[IMAGE_PIXELS_KEY] = True
            return dataset
        info = DATASET_INFO[self._name()]
        n = self.samples.value() if info.samples_apply else None
        noise = self.noise.value() if info.noise_apply else None
        return load_dataset(
            info.name, n_samples=n or None, noise=noise, seed=seed, train_ratio=ratio
        )

    def _build_and_show(self, emit):
        """Build from the widgets; on success show and (if ``emit``) announce it.

        On failure the message is shown, the previous dataset stays, nothing is emitted.
        """
        try:
            dataset = self._build()
        except (UserInputError, OSError) as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            self._restore_previous()
            return False
        self.error_label.hide()
        self._dataset = dataset
        self._refresh()
        if emit:
            self.datasetChanged.emit(dataset)
        return True

    def _refresh(self):
        """Bring description, enabled states and feature toggles in line with the data."""
        if not self._dataset.is_2d:
            self._set_features(())
        self._describe()
        self._apply_enabled()

    def _restore_previous(self):
        if self._dataset is None:
            return
        spec = self._dataset.spec
        self._csv = self._csv_of(spec)
        self._tiles.select(None if self._csv else spec.get("name"))
        self._show_source(spec)

    @staticmethod
    def _csv_of(spec):
        if spec.get("source") != "csv":
            return None
        return {"path": spec["path"], "target": spec.get("target"), "task": spec.get("task"),
                "image_pixels": bool(spec.get(IMAGE_PIXELS_KEY))}

    def _show_source(self, spec):
        """Show ``spec`` (a dataset's) in the widgets and the CSV label, emitting nothing."""
        if self._csv is None:
            self._show_name_settings(spec.get("name", DEFAULT_DATASET), spec)
        self._updating = True
        self.train_percent.setValue(round(100 * spec.get("train_ratio", 0.8)))
        self.seed.setValue(spec.get("seed", 0))
        self._updating = False
        self.csv_label.setText(
            f"{Path(self._csv['path']).name} → {self._csv['target']}" if self._csv else ""
        )

    def _set_features(self, features):
        self.features_group.set_checked(features)

    # ---- public API ----------------------------------------------------------------------
    def current_dataset(self):
        """The ``Dataset`` last built (and emitted)."""
        return self._dataset

    def features(self):
        """The checked derived features, in ``DERIVED_FEATURES`` order (``()`` for non-2-D)."""
        if not self._dataset.is_2d:
            return ()
        return self.features_group.checked()

    def select_dataset(self, name):
        """Choose registered dataset ``name`` with its default settings and emit it.

        Returns True on success; on failure shows the message and keeps the previous data.
        """
        DATASETS.get(name)  # unknown name -> UserInputError listing the choices
        self._stop_rebuild()
        self._csv = None
        self.csv_label.setText("")
        self._tiles.select(name)
        self._show_name_settings(name)
        return self._build_and_show(emit=True)

    def open_csv(self, path=None):
        """Open the CSV import dialog (window-modal, not blocking); load its data on OK."""
        dialog = CsvImportDialog(
            self, train_ratio=self.train_percent.value() / 100.0, seed=self.seed.value()
        )
        if path is not None:
            dialog.set_path(path)
        dialog.accepted.connect(lambda: self.use_dataset(dialog.dataset()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def use_dataset(self, dataset):
        """Show an already built ``dataset`` (e.g. from the CSV dialog) and emit it."""
        self.show_dataset(dataset)
        self.datasetChanged.emit(dataset)

    def show_dataset(self, dataset):
        """Reflect ``dataset`` (built elsewhere: the command line, a lesson, points placed on
        the decision surface); emits nothing. Hand-placed points select no tile."""
        self._stop_rebuild()
        self._dataset = dataset
        self._csv = self._csv_of(dataset.spec)
        spec = dataset.spec
        self._tiles.select(None if self._csv or rules.is_drawn(spec) else spec.get("name"))
        self._show_source(spec.get("edited_from", {}) if rules.is_drawn(spec) else spec)
        self.error_label.hide()
        self._refresh()

    def set_features(self, features):
        """Check exactly ``features`` (any order; validated); emits nothing."""
        self._set_features(canonical_features(features))

    def settings(self):
        """The choices as a JSON-safe dict (store it with ``json.dumps`` in ``QSettings``)."""
        spec = self._dataset.spec
        if rules.is_drawn(spec):  # hand-placed points are not kept: their origin is
            origin = spec.get("edited_from") or {}
            spec = {"name": DEFAULT_DATASET} if rules.is_drawn(origin) or not origin else origin
        return {
            "spec": {k: v for k, v in spec.items() if k != "sha256"},
            "features": list(self.features()),
        }

    def apply_settings(self, settings):
        """Restore ``settings()`` output: rebuild that data and emit it (and the features).

        Returns False (message shown, data unchanged) when it cannot be rebuilt, e.g. the
        CSV file is gone.
        """
        spec = dict(settings.get("spec") or {})
        if spec.get("source") != "csv" and spec.get("name") not in DATASET_INFO:
            return False
        self._csv = self._csv_of(spec)
        self._tiles.select(None if self._csv else spec["name"])
        self._show_source(spec)
        if not self._build_and_show(emit=True):
            return False
        features = tuple(settings.get("features") or ()) if self._dataset.is_2d else ()
        if features:
            self.set_features(features)
            self.featuresChanged.emit(self.features())
        return True
