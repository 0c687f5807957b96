/**
 * Connections made ahead, in the arena: how a TCP client connects without asking the kernel.
 *
 * The port directory holds a word per TCP port: the arena offset of the stock of its listener,
 * or 0. A stock is a listener's accept ring and slots, each a connection the kernel prepared:
 * the crossed rings, the server's end (already waiting for accept), and an ephemeral port
 * reserved for the client. A client claims a slot with one compare-and-swap (READY → -pid),
 * writes its record into the accept ring as the kernel would, and tells the kernel afterwards
 * (NetSyscalls.sockConnected), which then makes its socket the client's end and prepares
 * another. The kernel writes a slot's words before it marks it READY; a client reads them
 * only after its claim succeeded.
 */
import { Stock, StockSlot } from '../protocol/net';

const slotWord = (at: number, slot: number, word: number) =>
  (at >> 2) + Stock.HEADER_WORDS + slot * Stock.SLOT_WORDS + word;

/** The stock of the listener on TCP `port`, or 0. */
export function stockAt(words: Int32Array, directory: number, port: number): number {
  return Atomics.load(words, (directory >> 2) + port);
}

export function setStockAt(words: Int32Array, directory: number, port: number, at: number) {
  Atomics.store(words, (directory >> 2) + port, at);
}

/** A prepared connection, as its client sees it. */
export interface ClaimedSlot {
  slot: number;
  serverId: number;
  /** The client reads `back` and writes `there`. */
  there: number;
  back: number;
  clientPort: number;
  acceptRing: number;
}

/** Takes a READY slot of the stock at `at` for process `pid`; null when none is ready. */
export function stockClaim(words: Int32Array, at: number, pid: number): ClaimedSlot | null {
  const slots = Atomics.load(words, (at >> 2) + Stock.SLOTS);
  for (let slot = 0; slot < slots; slot++) {
    const state = slotWord(at, slot, StockSlot.STATE);
    if (Atomics.compareExchange(words, state, StockSlot.READY, -pid) !== StockSlot.READY) continue;
    return {
      slot,
      serverId: Atomics.load(words, slotWord(at, slot, StockSlot.SERVER_ID)),
      there: Atomics.load(words, slotWord(at, slot, StockSlot.THERE)),
      back: Atomics.load(words, slotWord(at, slot, StockSlot.BACK)),
      clientPort: Atomics.load(words, slotWord(at, slot, StockSlot.CLIENT_PORT)),
      acceptRing: Atomics.load(words, (at >> 2) + Stock.ACCEPT_RING),
    };
  }
  return null;
}

/** Gives a claimed slot back (its record found no room): READY again. */
export function stockUnclaim(words: Int32Array, at: number, slot: number, pid: number): void {
  Atomics.compareExchange(words, slotWord(at, slot, StockSlot.STATE), -pid, StockSlot.READY);
}

/** The kernel's side: a new stock's header. */
export function stockInit(words: Int32Array, at: number, acceptRing: number): void {
  for (let w = 0; w < Stock.BYTES / 4; w++) Atomics.store(words, (at >> 2) + w, 0);
  Atomics.store(words, (at >> 2) + Stock.ACCEPT_RING, acceptRing);
  Atomics.store(words, (at >> 2) + Stock.SLOTS, Stock.MAX_SLOTS);
}

export function stockState(words: Int32Array, at: number, slot: number): number {
  return Atomics.load(words, slotWord(at, slot, StockSlot.STATE));
}

/** Fills an EMPTY slot and marks it READY, last. */
export function stockFill(
  words: Int32Array,
  at: number,
  slot: number,
  prepared: { serverId: number; there: number; back: number; clientPort: number },
): void {
  Atomics.store(words, slotWord(at, slot, StockSlot.SERVER_ID), prepared.serverId);
  Atomics.store(words, slotWord(at, slot, StockSlot.THERE), prepared.there);
  Atomics.store(words, slotWord(at, slot, StockSlot.BACK), prepared.back);
  Atomics.store(words, slotWord(at, slot, StockSlot.CLIENT_PORT), prepared.clientPort);
  Atomics.store(words, slotWord(at, slot, StockSlot.STATE), StockSlot.READY);
}

/** Takes a slot from `from` (READY, or claimed by -pid) to EMPTY; true if it was so. */
export function stockEmpty(words: Int32Array, at: number, slot: number, from: number): boolean {
  const state = slotWord(at, slot, StockSlot.STATE);
  return Atomics.compareExchange(words, state, from, StockSlot.EMPTY) === from;
}
