"""``StepThroughMode``: the glue of the step-through in the window.

It reacts to the "Step through" action (on: pause and open a step-through; off: leave it),
to the controller (each phase is shown on the diagram, in the panel and in the equations),
and to the rest of the window:

- while a step is half done, Play, Step, Epoch and Reset are disabled (their tooltips say
  why: the half-done step would be lost or applied twice) and editing weights is refused;
  "Finish step" or "Leave" re-enables them;
- once the update is applied the transport is back; the diagram keeps showing the update
  until training goes on (a snapshot of a later step closes the mode) or the user leaves;
- a new network closes the mode; a live setting (learning rate, L1/L2) restarts the step.
"""

from PySide6.QtCore import QObject

from gui.stepthrough.overlay import PhaseState

BLOCKED = ("play", "step", "stepEpoch", "reset", "resetSame")
BLOCKED_TIP = ("Not during a step-through: it holds a half-done step. Press “Finish step” "
               "to complete it (same result as Step) or “Leave” to drop it.")
EDIT_BLOCKED = ("Editing waits until the step-through's update is applied: press “Finish "
                "step” or “Leave” first.")


class StepThroughMode(QObject):
    """See the module docstring. ``selected`` is the clicked neuron ``(column, unit)``."""

    def __init__(self, window, controller, panel, overlay, dock, actions):
        super().__init__(window)
        self.window, self.controller, self.panel = window, controller, panel
        self.overlay, self.dock, self.actions = overlay, dock, actions
        self.selected = None
        self._done_step = None
        self._tips = {}
        self._wire()
        self._refresh_actions()

    def _wire(self):
        c, a, s = self.controller, self.actions, self.window.session
        a["stepThrough"].toggled.connect(self._on_toggled)
        a["nextPhase"].triggered.connect(self._next)
        a["finishStep"].triggered.connect(c.finish)
        a["leaveStep"].triggered.connect(lambda: a["stepThrough"].setChecked(False))
        c.started.connect(self._on_started)
        c.phaseShown.connect(self._on_phase)
        c.stepDone.connect(self._on_done)
        c.closed.connect(self._on_closed)
        c.failed.connect(self._on_failed)
        self.panel.nextRequested.connect(self._auto_next)
        self.panel.exampleChanged.connect(lambda _ex: self._redraw())
        self.window.diagram.neuronClicked.connect(self.select)
        s.snapshotShown.connect(self._on_snapshot)
        s.trainerChanged.connect(self._on_new_network)
        hyper = getattr(self.window, "hyper_panel", None)
        if hyper is not None:
            hyper.liveChanged.connect(lambda _changes: self.controller.restart(
                "Settings changed: the step-through starts again with them."))

    # -- the mode ---------------------------------------------------------------------------
    def _on_toggled(self, on):
        if on:
            self.dock.show()
            self.dock.raise_()
            self.controller.start()
        else:
            self.controller.leave()
            self._reset_view()
        self._refresh_actions()

    def _on_new_network(self, _info):
        self.selected = None
        if self.controller.is_open:
            self.controller.leave("A new network was built: the step-through was closed.")

    def _next(self):
        if not self.actions["stepThrough"].isChecked():
            self.actions["stepThrough"].setChecked(True)
        else:
            self.controller.next_phase()

    def _auto_next(self):
        if self.controller.in_progress:
            self.controller.next_phase()

    # -- from the controller ----------------------------------------------------------------
    def _on_started(self, book):
        self._done_step = None
        self.panel.set_book(book)
        self._block(True)
        self._redraw()
        self._refresh_actions()
        self.panel.schedule(True)

    def _on_phase(self, index):
        book = self.controller.book
        self.panel.show_phase(book, index)
        self._redraw()
        self.panel.schedule(not self.controller.done)
        self._refresh_actions()

    def _on_done(self, step):
        self._done_step = step
        self._block(False)
        self._refresh_actions()

    def _on_closed(self, reason):
        if reason:
            self.window.session.message.emit(reason)
        self._reset_view()
        self._uncheck()

    def _on_failed(self, message):
        self.window.show_error(message)
        self._reset_view()
        self._uncheck()

    def _on_snapshot(self, snapshot):
        if self._done_step is not None and snapshot.step != self._done_step:
            self._done_step = None
            self.controller.leave()
            self._reset_view()
            self._uncheck()

    # -- views ------------------------------------------------------------------------------
    def select(self, neuron):
        """Show the equations of neuron ``(column, unit)`` (0 = input) and remember it."""
        self.selected = tuple(neuron)
        self.window.diagram.set_selected_neuron(self.selected)
        self.dock.show()
        self.dock.raise_()
        self._redraw()
        self._show_equations()

    def state(self):
        """The ``PhaseState`` shown now, or None when no step-through is open."""
        book = self.controller.book
        if book is None:
            return None
        return PhaseState(book, self.controller.index, self.panel.selected_example())

    def _redraw(self):
        state = self.state()
        if state is None:
            return
        self.overlay.show(state.book, state.index, state.example, self.selected)
        self._show_example_input(state)
        self._show_equations()

    def _show_example_input(self, state):
        """Pixel inputs drawn as one image (digits): the chosen example's own picture."""
        loss = next((r for p, r in zip(state.book.phases, state.book.phase_results,
                                       strict=True) if p.kind == "loss"), None)
        if state.example is None or loss is None:
            self.window.diagram.set_input_example(None)
            return
        self.window.diagram.set_input_example(loss["raw_inputs"][state.example],
                                              f"example {state.example + 1}")

    def _show_equations(self):
        view, state = self.panel.equations, self.state()
        if self.selected is None:
            return
        if state is None:
            view.show_hint("Press “Step through” (or “Next phase”) to fill in this neuron's "
                           "equations with the numbers of the next training step.")
            return
        view.show_neuron(state, *self.selected)

    def _reset_view(self):
        self._done_step = None
        self.overlay.clear()
        self.window.diagram.set_input_example(None)
        self.panel.show_idle()
        self._block(False)
        self._show_equations()
        self._refresh_actions()

    def _uncheck(self):
        action = self.actions["stepThrough"]
        if action.isChecked():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)
        self.dock.hide()
        self._refresh_actions()

    # -- the window's actions ---------------------------------------------------------------
    def _block(self, blocked):
        """Disable (or restore) the transport and weight editing while a step is half done."""
        named = getattr(self.window, "actions_by_name", {})
        for name in BLOCKED:
            action = named.get(name)
            if action is None:
                continue
            if blocked and name not in self._tips:
                self._tips[name] = action.toolTip()
                action.setToolTip(BLOCKED_TIP)
            elif not blocked and name in self._tips:
                action.setToolTip(self._tips.pop(name))
            action.setEnabled(not blocked)
        self.window.diagram.set_edit_blocked(EDIT_BLOCKED if blocked else "")

    def _refresh_actions(self):
        c, a = self.controller, self.actions
        on = a["stepThrough"].isChecked()
        a["nextPhase"].setText("Next step" if c.done else "Next phase")
        a["finishStep"].setEnabled(on and c.in_progress)
        a["leaveStep"].setEnabled(on)
