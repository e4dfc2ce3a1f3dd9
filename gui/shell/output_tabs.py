"""``OutputTabs``: the Output dock's tabs and which of them a run shows.

- "Surface": the decision surface, or for regression data the regression surface (two
  pages of one stack);
- "Digits" (named "Images" for other image data): image data only;
- "Predicted vs actual": regression data only; shown first beyond two inputs, where a
  surface is only a slice.

The tab bar shows only when there is a second tab to pick. The regression surface and the
predicted-vs-actual view may be :class:`~gui.views.lazy_view.LazyView` placeholders: a
page is built when it is first shown.
"""

from PySide6.QtWidgets import QStackedWidget, QTabWidget

from gui.views.digits import DigitsView, images_word

DIGITS_TAB = 1
FIT_TAB = 2


class OutputTabs(QTabWidget):
    """The tabs around ``decision``, ``regression``, ``digits`` and ``fit`` (see module
    docstring); :meth:`show_run` picks the tabs for a run."""

    def __init__(self, decision, regression, digits, fit, parent=None):
        super().__init__(parent)
        self.setObjectName("outputTabs")
        self.setDocumentMode(True)
        self.decision, self.regression = decision, regression
        self.surface_stack = QStackedWidget()
        self.surface_stack.addWidget(decision)
        self.surface_stack.addWidget(regression)
        self.addTab(self.surface_stack, "Surface")
        self.addTab(digits, "Digits")
        self.addTab(fit, "Predicted vs actual")
        self.setTabToolTip(0, "The network's output over two input columns")
        self.setTabToolTip(DIGITS_TAB, "Image data only (digits, MNIST-style pixels): "
                                       "predictions, confusion matrix and the first "
                                       "layer's weights as images")
        self.setTabToolTip(FIT_TAB, "Regression data: each row's prediction against its "
                                    "target, the residuals, R² and RMSE")

    def show_run(self, info):
        """Show the tabs that fit the run ``info`` (a ``TrainerInfo``) describes, the most
        telling one in front."""
        dataset = info.dataset
        regression = dataset.task == "regression"
        digits = DigitsView.supports(dataset)
        for tab, shown in ((DIGITS_TAB, digits), (FIT_TAB, regression)):
            self.setTabEnabled(tab, shown)
            self.setTabVisible(tab, shown)
        self.tabBar().setVisible(digits or regression)
        # beyond two inputs a surface is only a slice; how well each row fits says more
        fit_first = regression and dataset.n_inputs > 2
        self.setCurrentIndex(DIGITS_TAB if digits else FIT_TAB if fit_first else 0)
        if digits:
            self.setTabText(DIGITS_TAB, images_word(dataset).capitalize())
        # last: a page is built when first shown, so not while another tab is in front
        self.surface_stack.setCurrentWidget(self.regression if regression else self.decision)
