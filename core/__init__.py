"""Backprop Studio core: a from-scratch NumPy neural-network engine (no Qt)."""
