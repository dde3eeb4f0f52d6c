"""Atoms: one interned object per name, so equality is identity (`is`)."""

__all__ = ["Atom", "atom", "existing_atom", "A"]


class Atom:
    """An Erlang atom. Never construct directly: use atom(name)."""

    __slots__ = ("name", "__weakref__")

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name

    def __reduce__(self):
        return (atom, (self.name,))


_table = {}


def atom(name):
    """Return the unique Atom for `name` (a Python str)."""
    a = _table.get(name)
    if a is None:
        a = _table[name] = Atom(name)
    return a


def existing_atom(name):
    """The atom if it exists already, else None (list_to_existing_atom)."""
    return _table.get(name)


def atom_count():
    return len(_table)


class _AtomNamespace:
    """Attribute access to common atoms: A.ok, A.error, A['EXIT']."""

    def __getattr__(self, name):
        a = atom(name)
        setattr(self, name, a)
        return a

    def __getitem__(self, name):
        return atom(name)


A = _AtomNamespace()
