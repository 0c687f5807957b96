"""asyncio as on Linux: CPython's own selector event loop, waiting in the kernel's poll.

Pyodide installs its browser event loop (WebLoop) when it boots: a policy that hands out one
loop which never blocks, an ``asyncio.run`` that reuses it, and that loop marked as running on
the boot thread. WebLoop cannot wait for sockets, so Procbox undoes all three. ``asyncio.run``
then builds a ``_UnixSelectorEventLoop`` whose selector is ``selectors.PollSelector`` on
``select.poll`` (procbox/fds.py): a wait parks the calling green thread in the kernel until a
socket, the loop's self-pipe (a kernel socketpair) or a signal wakes it, or its timer ends.
"""

import asyncio
import asyncio.events
import asyncio.selector_events

from . import ipcnames


def install():
    """Once, before the memory snapshot: the default policy and CPython's ``asyncio.run``."""
    from pyodide import webloop

    asyncio.run = webloop._orig_run
    # None restores the default policy (the Unix selector loop), created on first use.
    asyncio.events._set_event_loop_policy(None)
    # The loop's self-pipe is named the loop's (``EventLoop#1``), not a Pipe of the program's.
    loop = asyncio.selector_events.BaseSelectorEventLoop
    loop._make_self_pipe = ipcnames.constructor("EventLoop", loop._make_self_pipe)


def forget_boot_loop():
    """At each start: the WebLoop made at boot still counts as running on this thread state,
    and CPython's asyncio.run refuses to start inside a running loop."""
    asyncio.events._set_running_loop(None)
