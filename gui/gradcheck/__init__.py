"""Tools → Check gradients: backpropagation against finite differences."""
