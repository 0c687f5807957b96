/**
 * Deadlock detection: every live process has told the kernel that none of its threads can run
 * (`Syscalls.quiet`, with what each waits on). If each of those waits still holds as the kernel
 * sees it (a semaphore still at 0, a pipe still empty or full, a child still alive) and none is
 * for a timer, typed input or the network, nothing can ever wake any thread: the run is
 * deadlocked. The wait-for graph names why: a thread waiting for a lock points at its holder;
 * for a thread's end, at that thread; for a child's exit, at the child's threads; for a pipe, at
 * the threads of the processes that hold its other end. The first cycle found is the report.
 */
import type { Pid } from '../protocol/common';
import type { DeadlockLink, DeadlockReport, DeadlockWait, StuckThread } from '../protocol/deadlock';
import { Poll, type Rings } from '../protocol/ipc';

/** What the detector reads of the kernel: each live process and its report, and the state of
 * the objects they wait on. */
export interface WaitWorld {
  processes: {
    pid: Pid;
    name: string;
    /** Thread names by TID (the main thread's TID is the pid). */
    threads: Map<Pid, string>;
    stuck: StuckThread[] | null;
  }[];
  semValue(sem: number): number;
  /** The threads that took the multiprocessing lock or semaphore and have not released it. */
  semHolders(sem: number): { pid: Pid; tid: Pid }[];
  describe(object: number): string | null;
  /** What `fd` of `pid` names; `sock` set when it is a network socket. */
  fd(pid: Pid, fd: number): (Rings & { sock?: number }) | undefined;
  /** poll(2) events of one end of a ring. */
  ringEvents(ring: number, end: 'r' | 'w'): number;
  /** The processes that hold `ring` at `end`. */
  ringHolders(ring: number, end: 'r' | 'w'): Pid[];
  children(pid: Pid): Pid[];
}

interface Node {
  link: DeadlockLink;
  /** The threads that could end this wait, by key, those of other processes first. */
  next: string[];
}

const key = (pid: Pid, tid: Pid) => `${pid}:${tid}`;

export function findDeadlock(world: WaitWorld): DeadlockReport | null {
  if (world.processes.length === 0) return null;
  const byPid = new Map(world.processes.map((p) => [p.pid, p]));
  /** Every stuck thread of `pid`, its main thread first. */
  const threadsOf = (pid: Pid): string[] => {
    const tids = byPid.get(pid)?.stuck?.map((t) => t.tid) ?? [];
    return tids.sort((a, b) => Number(b === pid) - Number(a === pid)).map((tid) => key(pid, tid));
  };
  const otherFirst = (pids: Pid[], self: Pid) =>
    [...new Set(pids)].sort((a, b) => Number(a === self) - Number(b === self));

  const nodes = new Map<string, Node>();
  for (const p of world.processes) {
    if (p.stuck === null || p.stuck.length === 0) return null;
    for (const { tid, wait } of p.stuck) {
      const thread = p.threads.get(tid) ?? (tid === p.pid ? 'MainThread' : `TID ${tid}`);
      const link = (waits: DeadlockWait, object: string): DeadlockLink => ({
        pid: p.pid,
        tid,
        thread,
        process: p.name,
        waits,
        object,
        line: typeof wait.line === 'string' ? wait.line : null,
        since: typeof wait.since === 'number' && Number.isFinite(wait.since) ? wait.since : null,
      });
      let node: Node;
      switch (wait.kind) {
        case 'lock':
          node = {
            link: link('lock', String(wait.object)),
            next: wait.holder === null ? [] : [key(p.pid, wait.holder)],
          };
          break;
        case 'join':
          node = {
            link: link('join', p.threads.get(wait.tid) ?? `TID ${wait.tid}`),
            next: [key(p.pid, wait.tid)],
          };
          break;
        case 'python':
          node = { link: link('python', String(wait.object)), next: [] };
          break;
        case 'sem': {
          if (world.semValue(wait.sem) > 0) return null; // a release is on its way to it
          node = {
            link: link('sem', world.describe(wait.sem) ?? 'a semaphore'),
            next: world.semHolders(wait.sem).map((h) => key(h.pid, h.tid)),
          };
          break;
        }
        case 'fds': {
          let waits: DeadlockWait = 'read';
          let object = 'a pipe';
          const peers: Pid[] = [];
          for (let i = 0; i < wait.fds.length; i++) {
            const rings = world.fd(p.pid, wait.fds[i]);
            // A socket's peer may be the network, or a command typed later: never stuck.
            if (!rings || rings.sock !== undefined) return null;
            const events = wait.events[i] ?? 0;
            // An asyncio loop's own wake-up pipe: a signal handler may write it at any time.
            const named = world.describe(rings.read ?? rings.write ?? -1);
            if (named?.startsWith('EventLoop#')) return null;
            if (events & Poll.IN && rings.read !== null) {
              if (world.ringEvents(rings.read, 'r') & (Poll.IN | Poll.HUP | Poll.ERR)) return null;
              peers.push(...world.ringHolders(rings.read, 'w'));
              object = world.describe(rings.read) ?? object;
            }
            if (events & Poll.OUT && rings.write !== null) {
              if (world.ringEvents(rings.write, 'w') & (Poll.OUT | Poll.ERR)) return null;
              peers.push(...world.ringHolders(rings.write, 'r'));
              object = world.describe(rings.write) ?? object;
              waits = 'write';
            }
          }
          node = {
            link: link(waits, object),
            next: otherFirst(peers, p.pid).flatMap((pid) => threadsOf(pid)),
          };
          break;
        }
        case 'child': {
          const children = wait.pid > 0 ? [wait.pid] : world.children(p.pid);
          const live = children.filter((pid) => byPid.has(pid));
          if (live.length === 0) return null; // it has ended, or waitpid fails at once
          const names = live.map((pid) => `${byPid.get(pid)!.name} (pid ${pid})`);
          node = {
            link: link('child', names.join(', ')),
            next: live.flatMap((pid) => threadsOf(pid)),
          };
          break;
        }
        default:
          return null; // a wait this kernel does not know: it may end
      }
      nodes.set(key(p.pid, tid), node);
    }
  }
  const stuck = [...nodes.values()].map((n) => n.link);
  return { cycle: firstCycle(nodes), stuck };
}

/** The first cycle a depth-first walk meets, from each thread in turn. */
function firstCycle(nodes: Map<string, Node>): DeadlockLink[] {
  const done = new Set<string>();
  for (const start of nodes.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    const walk = (at: string): string[] | null => {
      if (onPath.has(at)) return path.slice(path.indexOf(at));
      if (done.has(at) || !nodes.has(at)) return null;
      path.push(at);
      onPath.add(at);
      for (const next of nodes.get(at)!.next) {
        const cycle = walk(next);
        if (cycle) return cycle;
      }
      path.pop();
      onPath.delete(at);
      done.add(at);
      return null;
    };
    const cycle = walk(start);
    if (!cycle) continue;
    // Told from its oldest thread (the lowest pid, then TID), however the walk met it.
    const links = cycle.map((k) => nodes.get(k)!.link);
    const order = (l: DeadlockLink) => l.pid * 2 ** 32 + l.tid;
    const first = links.reduce((best, l, i) => (order(l) < order(links[best]) ? i : best), 0);
    return [...links.slice(first), ...links.slice(0, first)];
  }
  return [];
}
