"""jupyter-cache left out of Jupyter Book's fork server until a notebook is run.

MyST-NB imports four names of jupyter-cache (and so SQLAlchemy) when it is imported, for running
notebooks, which the generated pages are not and which Jupyter Book does only when ``_config.yml``
asks (``execute_notebooks``, "off" in a new project). Those imports were 0.17-0.2 s of the fork
server's, which a rebuild after an edited abstract waits for. In the server, each of those modules
is a stand-in until then, and each name it gives a :class:`_Deferred` that imports the real modules
at its first use (in Jupyter Book's process, forked from the server, which a notebook run makes
slower by as much). A stand-in whose module is imported gets the real module's names, so that an
import statement taking names from it then (jupyter-cache's own, as it is imported) has the real
ones; a name not listed here imports the real module at once. Imported anywhere else than in the
server, this module only defines its functions.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from ..util.processes import starting_fork_server

# The modules of jupyter-cache MyST-NB imports from, and the names it imports
# (myst_nb/core/execute/cache.py and direct.py); only called, or their attributes called.
_DEFERRED = {"jupyter_cache.base": ("CacheBundleIn",), "jupyter_cache.cache.db": ("NbProjectRecord",),
             "jupyter_cache.executors.utils": ("single_nb_execution",)}


class _StandIn(types.ModuleType):
    """A module of :data:`_DEFERRED` not imported yet."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of any module (a package's __path__)
            raise AttributeError(name)
        return getattr(_imported(self.__name__), name)


class _Deferred:
    """A name of a module of :data:`_DEFERRED`, which imports the module at its first use."""

    def __init__(self, module: str, name: str):
        self._module = module
        self._name = name

    def _target(self) -> Any:
        return getattr(_imported(self._module), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name in ("_module", "_name"):  # its own, asked before they are set (a copy made without __init__)
            raise AttributeError(name)
        return getattr(self._target(), name)


def _imported(module: str) -> types.ModuleType:
    """The real ``module``, every stand-in of :data:`_DEFERRED` taken out first; those whose module
    it imported get its names, for the import statement that may be taking names from one."""
    stand_ins = {name: sys.modules.pop(name) for name in _DEFERRED if isinstance(sys.modules.get(name), _StandIn)}
    real = importlib.import_module(module)
    for name, stand_in in stand_ins.items():
        if name in sys.modules:
            vars(stand_in).update(vars(sys.modules[name]))
    return real


def defer_notebook_cache() -> None:
    """Put a stand-in for each module of :data:`_DEFERRED` not imported yet."""
    for module, names in _DEFERRED.items():
        if module not in sys.modules:
            stand_in = _StandIn(module, "jupyter-cache, imported at the first use of a name")
            for name in names:
                setattr(stand_in, name, _Deferred(module, name))
            sys.modules[module] = stand_in


if starting_fork_server():
    defer_notebook_cache()
