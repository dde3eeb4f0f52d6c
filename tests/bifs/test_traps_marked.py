"""A BIF that can return a Trap must be registered with traps=True: the JIT
checks for a Trap only after those (it would otherwise hand the Trap object
to Erlang code as a value)."""

import ast
import importlib
import inspect
import pkgutil

import erlpy.bifs
from erlpy.bifs import registry


def _functions_reaching_trap(tree):
    """Names of the module's functions that build a Trap, directly or through
    another function of the same module."""
    calls = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            calls[node.name] = {n.func.id for n in ast.walk(node)
                                if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    reach = {name for name, called in calls.items() if "Trap" in called}
    grew = True
    while grew:
        grew = False
        for name, called in calls.items():
            if name not in reach and called & reach:
                reach.add(name)
                grew = True
    return reach


def test_every_bif_that_can_trap_is_marked():
    unmarked = []
    for info in pkgutil.iter_modules(erlpy.bifs.__path__):
        mod = importlib.import_module("erlpy.bifs." + info.name)
        reach = _functions_reaching_trap(ast.parse(inspect.getsource(mod)))
        for key, (fn, _frame) in registry.BIFS.items():
            if fn.__module__ == mod.__name__ and fn.__name__ in reach and not fn.traps:
                unmarked.append(key)
    assert not unmarked
