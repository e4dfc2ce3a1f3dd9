"""The race: 2–4 configurations trained in lockstep, compared in one window."""

from gui.race.install import install_race, race_tools_of

__all__ = ["install_race", "race_tools_of"]
