"""The look every widget shares (class colours, fonts), so views, the diagram and panels need
nothing of the window shell."""
