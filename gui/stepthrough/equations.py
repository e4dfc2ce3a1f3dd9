"""``EquationsView``: the selected neuron's equations with this step's numbers.

The equations come from ``core.teach.step_equations`` (structured: operands, operator, result) for
the chosen example of the batch, or for the batch, and are written out by
``gui.stepthrough.equation_text.render``. They are grouped into Forward (``z``, ``a``), Loss,
Backward (``δ``, ``∂L/∂w``) and Update (the optimizer with its state) sections, and a
section is filled in only once its phase has been advanced: until then it says which phase
will compute it.
"""

import html

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from core.teach.step_equations import step_equations
from gui.diagram.annotations import BAND_COLORS
from gui.stepthrough.equation_text import render

SECTIONS = (("forward", "Forward"), ("loss", "Loss"), ("backward", "Backward"),
            ("update", "Update"))
HINT = ("Click a neuron in the diagram to see its equations here, filled in with the numbers "
        "of the step being stepped through.")


def shown_equations(state, column, unit):
    """``(NeuronStep, {section: [RenderedEquation]})`` of neuron ``(column, unit)``
    (column ≥ 1) for a ``PhaseState``; a section not reached yet is an empty list."""
    layer = column - 1
    step = step_equations(state.book, layer, unit, state.example)
    return step, {kind: ([render(eq) for eq in step.sections[kind]]
                         if _reached(state, kind, layer) else [])
                  for kind, _ in SECTIONS}


def _phase_title(book, kind, layer):
    for phase in book.phases:
        if phase.kind == kind and (kind in ("loss", "update") or phase.layer == layer):
            return phase.title
    return kind


def _reached(state, kind, layer):
    return {"forward": layer in state.forward, "loss": state.loss is not None,
            "backward": layer in state.backward, "update": state.update is not None}[kind]


def _section_html(title, kind, lines, reached, pending):
    color = BAND_COLORS[kind]
    head = (f"<div style='background:{color}; padding:2px 6px; margin-top:6px;'>"
            f"<b>{title}</b></div>")
    if not reached:
        return head + (f"<div style='color:#90a4ae; margin-left:8px;'><i>filled in at the "
                       f"phase “{html.escape(pending)}”</i></div>")
    body = "<br>".join(html.escape(line.text) for line in lines)
    return head + f"<div style='margin-left:8px; white-space:pre-wrap;'>{body}</div>"


def equations_html(state, column, unit):
    """HTML of neuron ``(column, unit)`` (column ≥ 1) for a ``PhaseState``."""
    layer = column - 1
    step, groups = shown_equations(state, column, unit)
    neuron, *facts = step.header
    parts = [f"<div style='font-size:11pt;'><b>{html.escape(neuron)}</b></div>"]
    parts += [f"<div>{html.escape(line)}</div>" for line in facts]
    for kind, title in SECTIONS:
        parts.append(_section_html(title, kind, groups[kind], _reached(state, kind, layer),
                                   _phase_title(state.book, kind, layer)))
    return "".join(parts)


class EquationsView(QWidget):
    """A title and a read-only rich-text area in a fixed-width font."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = QLabel("<b>Neuron equations</b>")
        self.text = QTextBrowser()
        self.text.setObjectName("neuronEquations")
        self.text.setToolTip("The selected neuron's equations with the numbers of this step "
                             "(4 significant digits; neurons, weights and examples numbered "
                             "from 1; every equation holds for the numbers shown)")
        self.text.setOpenLinks(False)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(max(9.0, font.pointSizeF()))
        self.text.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        self.show_hint(HINT)

    def show_hint(self, text):
        self.text.setHtml(f"<p style='color:#607d8b;'>{html.escape(text)}</p>")

    def show_neuron(self, state, column, unit):
        """Fill in neuron ``(column, unit)`` from ``state`` (a ``PhaseState``)."""
        if column == 0:
            self.show_hint("An input neuron computes nothing: its value x is the data "
                           "itself. Click a hidden or output neuron.")
            return
        self.text.setHtml(equations_html(state, column, unit))

    def plain_text(self):
        return self.text.toPlainText()
