"""``MainWindow``: the Backprop Studio window, laid out like TensorFlow Playground.

- top: the transport bar (Play/Step/Epoch/Reset, speed, counters);
- left: the dataset and hyperparameter panels (docks, as tabs);
- centre: the network diagram, under a message banner for errors and notices;
- right: the loss curves above the output surface (decision, regression or digits), with
  the weight heatmaps and gradient norms beside or under it (docks, so each can be hidden
  or floated). Where each dock sits and how the columns share the width:
  :mod:`gui.shell.window_layout`.

Features add themselves through a small extension API, never by finding a menu by its
visible text or setting attributes on the window from outside: ``add_dock(...)``,
``menu(key)``, ``add_action(menu_key, action, section)``, and ``lazy_view(factory)`` for a
view built the first time it is shown (most views are not on screen when the window
opens; building them all cost about half a second). Each ``install_*`` function takes
the window, uses those hooks and returns its feature object, which the window keeps as one
of the attributes it declares (``zoom``, ``stepthrough``, ``drawing`` …) and whose
``actions`` it lists in ``actions_by_name``.

The window owns a :class:`~gui.running.session.TrainingSession`, routes every panel's signal to
it, and registers every view so each new network resets them and each snapshot (≤ 30/s,
from the worker thread) updates them. Window layout, speed, log scale and the last
dataset and settings are remembered in ``QSettings`` (:mod:`gui.shell.window_settings`).
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.diagram import NetworkDiagram
from gui.drawing.install import install_drawing
from gui.explore import install_explore
from gui.export.actions import install_export_actions
from gui.gradcheck.install import install_gradcheck
from gui.lessons.install import install_lessons
from gui.norms.install import install_norms
from gui.panels.dataset_panel import DatasetPanel
from gui.panels.hyper_panel import HyperparameterPanel
from gui.race import install_race
from gui.recording import install_recording
from gui.running.health_watch import install_health_watch
from gui.running.session import TrainingSession
from gui.shell.banner import MessageBanner
from gui.shell.menus import APP_NAME, WindowMenus, build_menus
from gui.shell.output_tabs import DIGITS_TAB, OutputTabs
from gui.shell.reset_actions import install_reset
from gui.shell.transport import TransportBar
from gui.shell.wheel_guard import install_wheel_guard
from gui.shell.window_layout import DOCK_GROUPS, WindowLayout
from gui.shell.window_settings import RememberedSettings, app_settings
from gui.shell.zoom import install_zoom
from gui.stepthrough import install_stepthrough
from gui.stepthrough.install import install_weight_edits
from gui.timeline.install import install_timeline
from gui.undo.install import install_undo
from gui.undo.unsaved import ask_to_keep_run
from gui.views.analysis import install_analysis_views
from gui.views.curves import LossCurvesView
from gui.views.digits import DigitsView
from gui.views.heatmaps import WeightHeatmapsView
from gui.views.lazy_view import LazyView, view_of
from gui.views.predicted_actual import PredictedActualView
from gui.views.regression import RegressionSurfaceView
from gui.views.surface import DecisionSurfaceView

MIN_SIZE = (1024, 680)
READY_MESSAGE = "Ready. Press Space (or Play) to train."
#: Where a dock joining a group goes (``MainWindow.add_dock(..., group=)``).
GROUP_AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea,
               "inside": Qt.DockWidgetArea.RightDockWidgetArea}


def _built_on_first_use(name, doc):
    """A ``MainWindow`` property: the view of ``lazy_views[name]``, built now if not yet."""
    return property(lambda window: window.lazy_views[name].view(), doc=doc)


#: Milliseconds after the window is shown by which what waits for its first paint starts
#: even without one (a window the system shows minimised may not paint).
AFTER_SHOW_MS = 2000


class MainWindow(RememberedSettings, QMainWindow):
    """The whole app window.

    ``MainWindow()`` opens on the last dataset and settings used (first time: two circles
    and a small network, so Play works at once); ``MainWindow(dataset, config)`` opens on
    those (the command line's options).

    Views that are not on screen when the window opens (the regression surface, the weight
    heatmaps, predicted vs actual, and features' docks) are built the first time they are
    shown or asked for (:meth:`lazy_view`); ``viewBuilt(view)`` announces each one.
    """

    viewBuilt = Signal(object)  # a view built late (see lazy_view), up to date
    regression_view = _built_on_first_use("regression_view", "The RegressionSurfaceView.")
    weights_view = _built_on_first_use("weights_view", "The WeightHeatmapsView.")
    fit_view = _built_on_first_use("fit_view", "The PredictedActualView.")

    def __init__(self, dataset=None, config=None, parent=None):
        super().__init__(parent)
        self._painted = self._started_after_paint = False  # see paintEvent
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(*MIN_SIZE)
        self.menus = WindowMenus(self.menuBar())
        self.dock_groups = {group: list(names) for group, names in DOCK_GROUPS.items()}
        self.window_layout = None  # made once every feature's dock is in
        self._build_widgets()
        dataset, config = self._initial_run(dataset, config)
        self.hyper_panel.set_from_config(config)
        self.session = TrainingSession(dataset, config, parent=self)
        self._build_docks()
        self.actions_by_name = {**self.transport.actions_by_name(),
                                **build_menus(self, self._toggle_log_scale)}
        self.export_actions = self._install(install_export_actions)
        self.stepthrough = self._install(install_stepthrough)
        self.weight_edits = install_weight_edits(self)
        self.drawing = self._install(install_drawing)
        self.norms = self._install(install_norms)
        self.lessons = self._install(install_lessons)
        self.timeline = self._install(install_timeline)
        self.gradcheck = self._install(install_gradcheck)
        self.undo = self._install(install_undo)
        self.explore = self._install(install_explore)
        self.race = self._install(install_race)
        self.analysis = self._install(install_analysis_views)
        self.health_watch = install_health_watch(self)
        self.recording = self._install(install_recording)
        self._build_status_bar()
        self._wire()
        for view in self._view_slots():
            self.session.add_view(view)
        self._show_tabs_for(self.session.info)
        self._on_trainer_changed(self.session.info)
        self._on_counters(self.session.counters)
        self.zoom = self._install(install_zoom, app_settings)
        self.window_layout = WindowLayout(self, self.dock_groups)
        self._restore_layout()

    # -- building ---------------------------------------------------------------------------
    def _build_widgets(self):
        self.transport = TransportBar(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.transport)
        self.dataset_panel = DatasetPanel()
        self.hyper_panel = HyperparameterPanel()
        self.diagram = NetworkDiagram()
        self.decision_view = DecisionSurfaceView()
        self.loss_view = LossCurvesView()
        self.digits_view = DigitsView()  # cheap until it gets image data
        self.lazy_views = {"regression_view": self.lazy_view(self._new_regression_view),
                           "weights_view": self.lazy_view(WeightHeatmapsView),
                           "fit_view": self.lazy_view(PredictedActualView)}
        self.banner = MessageBanner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.diagram, 1)
        self.setCentralWidget(central)

    # -- the extension API ----------------------------------------------------------------
    def menu(self, key):
        """The menu ``key``: "file", "edit", "view", "tools" or "help" (made on first use,
        always in that order in the menu bar)."""
        return self.menus.menu(key)

    def add_action(self, menu_key, action, section=None):
        """Put ``action`` at the end of ``section`` of menu ``menu_key``; sections are
        listed in :data:`gui.shell.menus.MENUS` (e.g. File: "export", "lesson", "record")."""
        return self.menus.add_action(menu_key, action, section)

    def add_dock(self, name, title, widget, area=None, tip="", scroll=False, group=None):
        """A ``QDockWidget`` (object name ``name``) holding ``widget``, listed under
        View → panels, with ``tip`` as its tooltip; ``scroll`` wraps ``widget`` in a
        scroll area.

        ``group`` "left" makes it a tab beside Data, "inside" a tab beside "Inside the
        network" (the window layout then arranges it with that group); else it goes to
        ``area`` (default: the right column).
        """
        if group is not None and group not in self.dock_groups:
            raise ValueError(f"No dock group {group!r}: the groups are "
                             f"{', '.join(self.dock_groups)}")
        if area is None:
            area = GROUP_AREAS.get(group, Qt.DockWidgetArea.RightDockWidgetArea)
        dock = self._dock(name, title, widget, area, tip, scroll)
        if group is not None:
            self._join_group(dock, group)
        self.add_action("view", dock.toggleViewAction(), "panels")
        if self.window_layout is not None:
            self.window_layout.watch(dock)
        return dock

    def lazy_view(self, factory):
        """A :class:`~gui.views.lazy_view.LazyView` for the view ``factory()`` makes: put it
        where the view goes and register it with the session in the view's place. Once the
        view is built (first shown, or asked for) the window announces it (``viewBuilt``),
        so the zoom, the export menus and the plot heights reach it as well."""
        def build():
            view = factory()
            if self.window_layout is not None:  # its plots keep the height the others do
                self.window_layout.fit_new_view(view)
            return view

        placeholder = LazyView(build)
        placeholder.built.connect(self.viewBuilt)
        return placeholder

    def _join_group(self, dock, group):
        """Tab ``dock`` behind the group's first dock (which stays in front)."""
        names = self.dock_groups[group]
        front = next((d for d in (self.findChild(QDockWidget, n) for n in names)
                      if d is not None and d is not dock), None)
        if dock.objectName() not in names:
            names.append(dock.objectName())
        if front is not None:
            self.tabifyDockWidget(front, dock)
            front.raise_()

    def _install(self, installer, *args):
        """``installer(self, *args)``'s feature, its ``actions`` listed by name."""
        feature = installer(self, *args)
        self.actions_by_name.update(feature.actions)
        return feature

    def _dock(self, name, title, widget, area, tip, scroll=False):
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if scroll:
            area_widget = QScrollArea()
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QFrame.Shape.NoFrame)
            area_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            area_widget.setWidget(widget)
            widget = area_widget
        dock.setWidget(widget)
        dock.setToolTip(tip)
        dock.toggleViewAction().setToolTip(f"Show or hide the {title} panel: {tip}")
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self):
        """Left: Data and Hyperparameters as tabs; right: output, loss, inside (stacked).

        The digits view is a tab of the Output dock, the largest one: its image grid,
        confusion matrix and 8×8 weight images need the room (for the digits, the decision
        surface over two pixel columns says little). The tab bar shows only for digits.
        """
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        lazy = self.lazy_views
        self.tabs = OutputTabs(self.decision_view, lazy["regression_view"], self.digits_view,
                               lazy["fit_view"])
        self.surface_stack = self.tabs.surface_stack
        data = self.add_dock("datasetDock", "Data", self.dataset_panel,
                             tip="which data to learn and which input features to use",
                             group="left")
        hyper = self.add_dock("hyperDock", "Hyperparameters", self.hyper_panel,
                              tip="learning rate, optimizer, activation, regularization",
                              group="left")
        for tabbed in (data, hyper):
            # Their tab already names them; a title bar would say "Data" twice. The panels
            # scroll themselves, and the View menu still shows or hides each dock.
            tabbed.setTitleBarWidget(QWidget())
        output = self.add_dock("surfaceDock", "Output", self.tabs, right,
                               "what the network predicts: over the input plane, or the digits")
        loss = self.add_dock("lossDock", "Loss", self.loss_view, right,
                             "training and test loss per epoch")
        inside = self.add_dock("inspectDock", "Inside the network", lazy["weights_view"],
                               tip="every weight matrix as a heatmap (blue +, orange −)",
                               group="inside")
        lazy["weights_view"].follow_dock(inside)
        self.docks = [data, hyper, output, loss, inside]
        self.setTabPosition(left, QTabWidget.TabPosition.North)
        self.setTabPosition(right, QTabWidget.TabPosition.North)

    def _build_status_bar(self):
        self.rate_label = QLabel("")
        self.rate_label.setObjectName("stepsPerSecond")
        self.rate_label.setToolTip("Training speed: weight updates per second")
        self.rate_label.setMinimumWidth(110)
        self.statusBar().addPermanentWidget(self.rate_label)
        self.statusBar().showMessage(READY_MESSAGE)

    def _drop_ready_message(self, running):
        """The start-up hint is stale once training has run."""
        if running and self.statusBar().currentMessage() == READY_MESSAGE:
            self.statusBar().clearMessage()

    def views(self):
        """Everything that gets ``reset``/``show_snapshot``: the diagram and the views (a
        view not built yet is built now)."""
        return [view_of(view) for view in self._view_slots()]

    def _view_slots(self):
        """:meth:`views`, with the placeholders of those not built yet in their place."""
        lazy = self.lazy_views
        return [self.diagram, self.decision_view, lazy["regression_view"], self.loss_view,
                lazy["weights_view"], self.digits_view, lazy["fit_view"]]

    def _new_regression_view(self):
        view = RegressionSurfaceView()
        view.columnsChanged.connect(self.session.set_surface_columns)
        return view

    # -- wiring -----------------------------------------------------------------------------
    def _wire(self):
        s, t = self.session, self.transport
        t.playToggled.connect(s.toggle)
        t.stepRequested.connect(s.step)
        t.epochRequested.connect(s.step_epoch)
        install_reset(self)
        t.speedChanged.connect(s.set_speed)
        t.speedChanged.connect(self._remember_speed)
        self.dataset_panel.datasetChanged.connect(self._on_dataset)
        self.dataset_panel.featuresChanged.connect(s.set_features)
        self.hyper_panel.configChanged.connect(s.update_config)
        self.hyper_panel.liveChanged.connect(s.set_live)
        self.diagram.architectureChanged.connect(self._on_architecture)
        self.decision_view.columnsChanged.connect(s.set_surface_columns)
        self.loss_view.logScaleChanged.connect(self.actions_by_name["logScale"].setChecked)
        s.runningChanged.connect(t.set_running)
        s.runningChanged.connect(self._drop_ready_message)
        s.runningChanged.connect(self.banner.close_when_run_starts)
        s.countersChanged.connect(self._on_counters)
        s.trainerChanging.connect(self._show_tabs_for)
        self.tabs.currentChanged.connect(self._follow_surface_tab)
        self._follow_surface_tab()
        s.trainerChanged.connect(self._on_trainer_changed)
        s.error.connect(self.show_error)
        s.message.connect(self._show_message)
        s.finished.connect(lambda reason: self.banner.show_info(f"Training stopped. {reason}"))

    def _on_dataset(self, dataset):
        """A dataset chosen in the panel; if no network can be built on it, the panel shows
        the data the views still show again (never a tile over another dataset's views)."""
        if not self.session.set_dataset(dataset):
            self.dataset_panel.show_dataset(self.session.dataset)

    def _on_architecture(self, hidden):
        """The diagram's +/− buttons: a new network with ``hidden`` layer sizes."""
        self.hyper_panel.set_hidden_layers(len(hidden))
        activation = self.hyper_panel.config_fields()["activation"]
        self.session.update_config({"hidden": tuple(hidden), "activation": activation})

    def _on_counters(self, counters):
        step, epoch, rate = counters
        self.transport.set_counters(step, epoch)
        self.rate_label.setText(f"{rate:,.0f} steps/s" if rate else "paused")

    def _on_trainer_changed(self, info):
        """Fit the panels to the new run."""
        self.hyper_panel.set_task(info.dataset.task)
        self.hyper_panel.follow_adapted(self.session.config)
        self.hyper_panel.set_hidden_layers(len(info.config.hidden))
        if self.banner.kind is not None:
            self.banner.clear()

    def _show_tabs_for(self, info):
        """Show the views that fit the new run's data (before they reset for it)."""
        self.tabs.show_run(info)
        self._follow_surface_tab()

    def _follow_surface_tab(self, *_):
        """Snapshots carry the surface unless the data are images and the Surface tab is
        not in front: then no view draws it (the diagram shows first-layer weights)."""
        images = self.tabs.isTabVisible(DIGITS_TAB)
        self.session.set_surface_shown(not images or self.tabs.currentIndex() == 0)

    def _show_message(self, text):
        self.statusBar().showMessage(text, 8000)

    def show_error(self, text):
        """Show ``text`` in the banner and the status bar; training is already paused."""
        self.banner.show_error(text)
        self.statusBar().showMessage(text.splitlines()[0], 15000)

    def paintEvent(self, event):
        """After the first paint (the window is on screen), start what can wait for it."""
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)

    def showEvent(self, event):
        """A window shown but not painted (started minimised, say) starts it all the same."""
        super().showEvent(event)
        QTimer.singleShot(AFTER_SHOW_MS, self, self._after_first_paint)

    def _after_first_paint(self):
        """What building and showing the window need not wait for:

        - the wheel guard (:mod:`gui.shell.wheel_guard`): an application-wide event filter,
          it cost 0.1-0.25 s of start-up in the events of building and showing the window;
          installed now, it gives the inputs built so far their focus policy at once;
        - the training process: started while the window was being built, its imports
          took the CPU the window needed (about 0.1 s of start-up on two cores).
        """
        if self._started_after_paint:
            return
        self._started_after_paint = True
        install_wheel_guard()
        if self.session.thread is not None:  # not closed meanwhile
            self.session.worker.start_process()

    # -- menu actions -----------------------------------------------------------------------
    def open_csv(self):
        """File → Open CSV…: the dataset panel's own dialog, so both paths behave alike."""
        return self.dataset_panel.open_csv()

    def _toggle_log_scale(self, on):
        self.loss_view.set_log_scale(bool(on))

    def closeEvent(self, event):
        """Remember the layout and the run, stop the worker thread and wait for it.

        Closed by the user from the window manager, it first asks about an unsaved run
        (File → Quit asks before it closes: ``gui.undo.unsaved.quit_asking``)."""
        asked, self.closing_asked = getattr(self, "closing_asked", False), False
        if (event.spontaneous() and not asked and self.session.thread is not None
                and not ask_to_keep_run(self, "Quit", "Quitting")):
            event.ignore()
            return
        if self.session.thread is not None:
            self.save_settings()
            self.session.shutdown()
        super().closeEvent(event)

