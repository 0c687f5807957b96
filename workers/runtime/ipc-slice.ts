/**
 * The IPC slice of the Python layer's boundary (protocol/layer.ts `IpcCalls`, `IpcBridge`):
 * pipes, socket pairs, semaphores and shared memory in the kernel's arena, the waits on them,
 * and the names and operations the trace records.
 */
import type * as Comlink from 'comlink';
import { Poll } from '../protocol/ipc';
import type { IpcBridge, IpcCalls, LayerSlice } from '../protocol/layer';
import type { Syscalls } from '../protocol/process';
import { ringSeq, ringWaitChange, ringWaitSync } from '../ipc/ring';
import { semRelease, semTryAcquire, semValue, semWaitChange } from '../ipc/semaphore';
import type { SharedMirrors } from '../ipc/mirror';
import type { IpcObserver } from './ipc-observer';
import { type ArenaAccess, type KernelFds, pollRings } from './kernel-fds';
import { capped, type InterruptibleWaits } from './waits';

export function ipcSlice(
  kernel: Comlink.Remote<Syscalls>,
  fds: KernelFds,
  arena: ArenaAccess,
  mirrors: SharedMirrors,
  observer: IpcObserver,
  waits: InterruptibleWaits,
): LayerSlice<IpcCalls, IpcBridge> {
  const { words, fence } = arena;

  /** Resolves once any of the descriptors may be ready for its events, or on timeout. */
  const fdWait = (fds_: number[], events: number[], timeoutMs: number, tid: number) => {
    const watched: Promise<void>[] = [];
    const objects: number[] = [];
    for (let i = 0; i < fds_.length; i++) {
      const rings = fds.rings(fds_[i]);
      if (!rings) return Promise.resolve(); // not a pipe: always ready, poll says so
      const seqs = [rings.read, rings.write].flatMap((ring) =>
        ring === null ? [] : [[ring, ringSeq(words, ring)]],
      );
      // Checked after taking seq: a change in between makes waitAsync return at once.
      if (pollRings(words, rings) & (events[i] | Poll.ERR | Poll.HUP)) return Promise.resolve();
      for (const [ring, seq] of seqs) {
        watched.push(ringWaitChange(words, ring, seq, capped(timeoutMs)));
        objects.push(ring);
      }
    }
    const wait = watched.length ? Promise.race(watched) : new Promise<void>(() => {});
    return observer.waiting(tid, objects, waits.wait(wait, timeoutMs));
  };

  return {
    calls: {
      pipe: (rfd, wfd) => kernel.pipe(rfd, wfd),
      socketpair: (fd1, fd2) => kernel.socketpair(fd1, fd2),
      // Python's None (an unnamed semaphore) arrives as undefined.
      semCreate: (value, maxvalue, name) => kernel.semCreate(value, maxvalue, name ?? null),
      semOpen: (name) => kernel.semOpen(name),
      semUnlink: (name) => kernel.semUnlink(name),
      shmCreate: (size) => kernel.shmCreate(size),
      fdWait,
      semWait: (sem, timeoutMs, tid) =>
        observer.waiting(
          tid,
          [sem],
          waits.wait(semWaitChange(words, sem, capped(timeoutMs)), timeoutMs),
        ),
    },
    bridge: {
      fdReserve: fds.reserve,
      fdBind: fds.bind,
      fdRebind: fds.rebind,
      fdUnreserve: fds.unreserve,
      isPipe: fds.isPipe,
      kernelFds: fds.list,
      fdSetBlocking: fds.setBlocking,
      fdSpin(fd, events, spinMs, blockMs) {
        const rings = fds.rings(fd);
        if (!rings) return true;
        // Reading waits for its ring to change (data, its writers gone, a reset); writing, for room.
        const ring = events & (Poll.IN | Poll.PRI) ? rings.read : rings.write;
        const start = performance.now();
        for (;;) {
          const seq = ring === null ? 0 : ringSeq(words, ring);
          if (pollRings(words, rings) & (events | Poll.ERR | Poll.HUP)) return true;
          const waited = performance.now() - start;
          if (waited >= Math.max(spinMs, blockMs)) return false;
          // A peer on the other core often answers within the spin; a wake from a blocked
          // wait costs tens of microseconds more.
          if (waited >= spinMs && ring !== null) ringWaitSync(words, ring, seq, blockMs - waited);
        }
      },
      fdRing(fd) {
        const rings = fds.rings(fd);
        return rings?.read ?? rings?.write ?? -1;
      },
      semTryAcquire: (sem) => semTryAcquire(words, sem) && (fence(), true),
      semRelease: (sem) => (fence(), semRelease(words, sem)),
      semValue: (sem) => semValue(words, sem),
      // Reported operations go first: the kernel names their objects only while they live.
      semClose: (sem) => (observer.flush(), void kernel.semClose(sem)),
      shmMap: (addr, at, size) => mirrors.map(addr, at, size),
      shmUnmap(addr, at) {
        mirrors.unmap(addr);
        void kernel.shmDetach(at);
      },
      ipcLabel: (kind, objects) => observer.label(kind, objects),
      ipcOp: (op, tid, object, bytes, site) => observer.op(op, tid, object, bytes, site),
    },
  };
}
