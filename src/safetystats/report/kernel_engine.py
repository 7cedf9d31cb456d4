"""A papermill engine that keeps its kernel warm between notebooks.

Starting a kernel and importing pandas, DuckDB and plotly costs ~2.5 s per notebook; a
worker that runs many bulletins starts one kernel and one client, and before each notebook
clears the user namespace (as ``%reset -f`` does) while the imported modules stay loaded. Registered as the
papermill engine ``safetystats_warm`` (also through the ``papermill.engine`` entry point).
"""

from __future__ import annotations

import multiprocessing.util
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "safetystats_warm"


# What ``%reset -f`` clears between notebooks (the user's names, the output history and the
# display hook's references to the last outputs) without its full garbage collection, which
# took 0.13 s a notebook; the kernel's own names (In, Out, get_ipython, ...) stay.
RESET = """\
_shell = get_ipython()
_shell.user_ns["_oh"].clear()
[setattr(_shell.displayhook, _a, "") for _a in ("_", "__", "___")]
for _name in [n for n in _shell.user_ns if n not in _shell.user_ns_hidden]:
    _shell.user_ns.pop(_name, None)
"""


# the kernel keeps no input history: IPython's history thread wrote every cell of every page
# to its SQLite file (8 % of a kernel's busy time in a 159-page run)
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class _ResettingClient(PapermillNotebookClient):
    def papermill_execute_cells(self):
        # a clean namespace for every notebook; imported modules stay warm
        self.wait_for_reply(self.kc.execute(RESET, silent=True, store_history=False))
        super().papermill_execute_cells()


class WarmKernelEngine(NBClientEngine):
    _managers: dict[str, AsyncKernelManager] = {}
    # one client per kernel, its channels kept open: a new client waits for its IOPub
    # subscription to connect (0.2 s and more a notebook)
    _clients: dict[str, object] = {}
    last_notebook = None  # the notebook most recently executed (kept for diagnosis when it fails)

    @classmethod
    def kernel(cls, kernel_name: str) -> AsyncKernelManager:
        km = cls._managers.get(kernel_name)
        if km is None or not run_sync(km.is_alive)():
            # local sockets (no TCP), in a folder of this worker's own so parallel kernels never meet
            sockets = Path(tempfile.mkdtemp(prefix="safetystats-kernel-")) / "kernel"
            km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(sockets))
            run_sync(km.start_kernel)(extra_arguments=KERNEL_ARGUMENTS)
            cls._managers[kernel_name] = km
            multiprocessing.util.Finalize(km, cls.shutdown, exitpriority=10)
        return km

    @classmethod
    def client(cls, kernel_name: str):
        km = cls.kernel(kernel_name)
        kc = cls._clients.get(kernel_name)
        if kc is None or getattr(kc, "parent", None) is not km:
            kc = km.client()
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            kc.allow_stdin = False
            cls._clients[kernel_name] = kc
        return km, kc

    @classmethod
    def shutdown(cls) -> None:
        for kc in cls._clients.values():
            try:
                kc.stop_channels()
            except Exception:  # the channels may already be closed
                pass
        cls._clients.clear()
        for km in cls._managers.values():
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # the kernel may already be gone
                pass
        cls._managers.clear()

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
        final = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        cls.last_notebook = nb_man.nb
        km, kc = cls.client(kernel_name)
        client = _ResettingClient(nb_man, km=km, **final)
        client.kc = kc  # (the constructor would not keep it)
        try:
            return client.execute()
        except BaseException:
            # a failed or interrupted notebook may leave replies behind: a new client next time
            cls._clients.pop(kernel_name, None)
            kc.stop_channels()
            raise


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
