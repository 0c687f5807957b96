/**
 * The kernel's end of connections from outside the run (protocol/outside.ts): the page's
 * Preview. NetTable makes and closes each one as for a process (so the trace and the Timeline
 * show it); here its two rings are copied to and from the page's MessagePort.
 */
import {
  ringRead,
  ringSeq,
  ringSetFlag,
  ringWaitChange,
  ringWrite,
  WOULD_BLOCK,
} from '../ipc/ring';
import { RingFlag } from '../protocol/ipc';
import { type FromServer, OUTSIDE_PID, OUTSIDE_WINDOW, type ToServer } from '../protocol/outside';
import type { IpcTable } from './ipc-table';
import type { NetTable } from './net-table';

/** The kernel's own pid in ring copy locks (as net-table.ts). */
const KERNEL = 0x7ffffffe;
/** How long a wait on a ring lasts before it looks again (a wake-up missed is not fatal). */
const RECHECK_MS = 1000;
const CHUNK = 64 * 1024;

interface Outside {
  id: number;
  read: number;
  write: number;
  channel: MessagePort;
  /** Bytes for the server that did not fit yet, in order. */
  queued: Uint8Array[];
  writing: boolean;
  /** Posted to the page and not yet read there. */
  unread: number;
  /** Wakes the reading loop when the page's window opens. */
  opened: (() => void) | null;
  closed: boolean;
}

export class OutsideConnections {
  private readonly open = new Set<Outside>();

  constructor(
    private readonly net: NetTable,
    private readonly ipc: IpcTable,
    /** A connection opened or closed: the process list shows the browser's. */
    private readonly changed: () => void,
  ) {}

  /** Connects to `port`; returns 0, or the errno. */
  connect(port: number, channel: MessagePort): number {
    const made = this.net.connectOutside(OUTSIDE_PID, port);
    if ('errno' in made) {
      channel.close();
      return made.errno;
    }
    const c: Outside = {
      id: made.id,
      read: made.read,
      write: made.write,
      channel,
      queued: [],
      writing: false,
      unread: 0,
      opened: null,
      closed: false,
    };
    this.open.add(c);
    channel.onmessage = ({ data }: MessageEvent<ToServer>) => this.fromPage(c, data);
    void this.toPage(c);
    this.changed();
    return 0;
  }

  /** Every connection ends (the kernel is being replaced). */
  closeAll(): void {
    for (const c of this.open) this.close(c);
  }

  private fromPage(c: Outside, message: ToServer): void {
    if (c.closed) return;
    if ('data' in message) {
      c.queued.push(message.data);
      void this.toServer(c);
    } else if ('read' in message) {
      c.unread -= message.read;
      c.opened?.();
    } else if ('shut' in message) {
      c.queued.push(new Uint8Array(0)); // the shutdown comes after what was sent before it
      void this.toServer(c);
    } else this.close(c);
  }

  /** Copies the queued bytes into the server's ring as it makes room. */
  private async toServer(c: Outside): Promise<void> {
    if (c.writing) return;
    c.writing = true;
    const { words, bytes } = this.ipc;
    while (!c.closed && c.queued.length > 0) {
      const next = c.queued[0];
      if (next.length === 0) {
        ringSetFlag(words, c.write, RingFlag.SHUT);
        c.queued.shift();
        continue;
      }
      const seq = ringSeq(words, c.write);
      const count = ringWrite(words, bytes, c.write, next, KERNEL);
      if (count === next.length) c.queued.shift();
      else if (count > 0) c.queued[0] = next.subarray(count);
      else if (count === WOULD_BLOCK) await ringWaitChange(words, c.write, seq, RECHECK_MS);
      else {
        c.queued = []; // the server is gone: what the page sends is lost, as on a reset
      }
    }
    c.writing = false;
  }

  /** Posts what the server writes, as the page's window allows, until it ends. */
  private async toPage(c: Outside): Promise<void> {
    const { words, bytes } = this.ipc;
    while (!c.closed) {
      if (c.unread >= OUTSIDE_WINDOW) {
        await new Promise<void>((resolve) => (c.opened = resolve));
        c.opened = null;
        continue;
      }
      const seq = ringSeq(words, c.read);
      const buffer = new Uint8Array(CHUNK);
      const count = ringRead(words, bytes, c.read, buffer, KERNEL);
      if (count === WOULD_BLOCK) {
        await ringWaitChange(words, c.read, seq, RECHECK_MS);
        continue;
      }
      if (count > 0) {
        c.unread += count;
        const data = buffer.slice(0, count);
        this.post(c, { data }, [data.buffer]);
        continue;
      }
      this.post(c, count === 0 ? { end: true } : { reset: true });
      return;
    }
  }

  private post(c: Outside, message: FromServer, transfer: Transferable[] = []): void {
    c.channel.postMessage(message, transfer);
  }

  private close(c: Outside): void {
    if (c.closed) return;
    c.closed = true;
    c.opened?.();
    this.open.delete(c);
    this.net.closeOutside(OUTSIDE_PID, c.id);
    c.channel.close();
    this.changed();
  }
}
