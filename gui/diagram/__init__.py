"""The network diagram of the Backprop Studio window: `NetworkDiagram`."""

from gui.diagram.diagram import NetworkDiagram

__all__ = ["NetworkDiagram"]
