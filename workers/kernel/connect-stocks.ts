/**
 * The kernel's side of connections made ahead (ipc/connect-stock.ts): which listeners have a
 * stock, what each slot holds, and keeping them filled.
 *
 * A listener gets a stock once a client has connected to it through the kernel, and a bigger
 * one each time a client finds none ready (a burst), up to `Stock.MAX_SLOTS`: a server nobody
 * connects to holds no rings for it.
 */
import { setStockAt, stockEmpty, stockFill, stockInit } from '../ipc/connect-stock';
import { ARENA_BYTES } from '../protocol/ipc';
import { PORT_DIRECTORY_BYTES, Stock, StockSlot } from '../protocol/net';
import type { IpcTable } from './ipc-table';

/** Slots a new stock keeps prepared. */
const FIRST_TARGET = 4;

/** What a slot's connection is to the kernel; `NetTable` makes and undoes them. */
export interface Prepared {
  serverId: number;
  /** The client writes `there` and reads `back`. */
  there: number;
  back: number;
  clientPort: number;
}

export interface StockHost<P extends Prepared> {
  /** A connection made ahead to listener `id`, or null (the arena or the ports ran out). */
  prepare(listenerId: number): P | null;
  /** A connection made ahead that nobody took: undone. */
  discard(prepared: P): void;
}

interface ListenerStock<P> {
  listenerId: number;
  at: number;
  port: number;
  /** How many slots are kept prepared. */
  target: number;
  slots: (P | null)[];
  closed: boolean;
}

export class ConnectStocks<P extends Prepared> {
  /** The port directory's arena offset (IpcInheritance.ports). */
  readonly directory: number;
  private readonly byListener = new Map<number, ListenerStock<P>>();
  private readonly byAt = new Map<number, ListenerStock<P>>();

  constructor(
    private readonly ipc: IpcTable,
    private readonly host: StockHost<P>,
  ) {
    const directory = ipc.newBlock(PORT_DIRECTORY_BYTES);
    if (directory === null) throw new Error('the arena has no room for the port directory');
    this.directory = directory;
  }

  /** A client connected to listener `listenerId` (on TCP `port`, its accept ring `ring`)
   * through the kernel: it gets a stock, or more slots prepared. */
  wanted(listenerId: number, port: number, ring: number): void {
    let stock = this.byListener.get(listenerId);
    if (!stock) {
      const at = this.ipc.newBlock(Stock.BYTES);
      if (at === null) return;
      stockInit(this.ipc.words, at, ring);
      stock = { listenerId, at, port, target: FIRST_TARGET / 2, slots: [], closed: false };
      this.byListener.set(listenerId, stock);
      this.byAt.set(at, stock);
      setStockAt(this.ipc.words, this.directory, port, at);
    }
    stock.target = Math.min(Stock.MAX_SLOTS, stock.target * 2);
    this.refill(stock);
  }

  private refill(stock: ListenerStock<P>): void {
    for (let slot = 0; slot < stock.target; slot++) {
      if (stock.slots[slot]) continue;
      // The arena is for what programs make: stocks take none of its last quarter.
      if (this.ipc.usedBytes > ARENA_BYTES * 0.75) return;
      const prepared = this.host.prepare(stock.listenerId);
      if (!prepared) return;
      stock.slots[slot] = prepared;
      stockFill(this.ipc.words, stock.at, slot, prepared);
    }
  }

  /** Process `pid` says it took slot `slot` of the stock at `at`: what it took, or null when it
   * holds no such claim. The slot is prepared again. */
  claimed(at: number, slot: number, pid: number): P | null {
    const stock = this.byAt.get(at);
    const prepared = stock?.slots[slot];
    if (!stock || !prepared || !stockEmpty(this.ipc.words, at, slot, -pid)) return null;
    stock.slots[slot] = null;
    if (stock.closed) this.freeIfDone(stock);
    else this.refill(stock);
    return prepared;
  }

  /** Listener `listenerId` closes: clients find no stock from now; what nobody took is undone.
   * Claims not told yet stay until they are (`claimed`). */
  close(listenerId: number): void {
    const stock = this.byListener.get(listenerId);
    if (!stock) return;
    this.byListener.delete(listenerId);
    setStockAt(this.ipc.words, this.directory, stock.port, 0);
    stock.closed = true;
    stock.slots.forEach((prepared, slot) => {
      if (prepared && stockEmpty(this.ipc.words, stock.at, slot, StockSlot.READY)) {
        stock.slots[slot] = null;
        this.host.discard(prepared);
      }
    });
    this.freeIfDone(stock);
  }

  private freeIfDone(stock: ListenerStock<P>): void {
    if (!stock.closed || stock.slots.some(Boolean)) return;
    this.byAt.delete(stock.at);
    this.ipc.freeBlock(stock.at);
  }
}
