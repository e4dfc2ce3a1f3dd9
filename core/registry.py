"""Name -> implementation tables, one per concept (activations, losses, optimizers, ...).

The GUI's combo boxes, the command line's choices and the save format all read the same
registry, so a name means one thing everywhere.
"""

from core.errors import UserInputError


class Registry:
    """An ordered mapping from a name to an implementation of one concept."""

    def __init__(self, kind):
        self.kind = kind
        self._items = {}

    def register(self, name):
        """Decorator: ``@REG.register("relu")`` adds the decorated object under ``name``."""

        def add(obj):
            if name in self._items:
                raise KeyError(f"{self.kind} {name!r} is registered twice")
            self._items[name] = obj
            return obj

        return add

    def add(self, name, obj):
        """Register ``obj`` under ``name`` and return it."""
        return self.register(name)(obj)

    def get(self, name):
        """The implementation for ``name``; an unknown name lists the valid ones."""
        try:
            return self._items[name]
        except KeyError:
            raise UserInputError(
                f"Unknown {self.kind} {name!r}. Choose one of: {', '.join(self._items)}."
            ) from None

    def names(self):
        """All names, in registration order."""
        return list(self._items)

    def __contains__(self, name):
        return name in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return f"Registry({self.kind!r}, {self.names()})"
