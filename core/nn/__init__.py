"""The network and its parts: activations, losses, initializers, dense layers, regularization,
gradient checking, and the one-page reference step."""
