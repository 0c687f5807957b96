/**
 * What the kernel tells the UI (kernel/outbox.ts): process-list changes, and how often those of
 * sockets and waits reach it while a server takes connection after connection.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Outbox, TABLE_INTERVAL_MS } from '../../workers/kernel/outbox';
import type { KernelObserver, ProcessInfo } from '../../workers/protocol/kernel';

function watched() {
  const tables: string[] = [];
  let version = 0;
  const observer = {
    output: async () => {},
    processes: (table: ProcessInfo[]) => tables.push(String(table.length)),
    notice: () => {},
    files: () => {},
  } as unknown as KernelObserver;
  const outbox = new Outbox(
    () => observer,
    () => new Array<ProcessInfo>(++version),
  );
  return { outbox, tables };
}

describe('Outbox: the process list', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a start or an exit at once, every time', async () => {
    const { outbox, tables } = watched();
    for (let i = 0; i < 3; i++) {
      outbox.tableChanged();
      await outbox.whenFlushed();
    }
    expect(tables).toEqual(['1', '2', '3']);
  });

  it('sends socket and wait changes at once, then at most one per interval, the last one too', async () => {
    const { outbox, tables } = watched();
    outbox.tableChangedSoon();
    await outbox.whenFlushed();
    expect(tables).toEqual(['1']); // the first at once
    for (let i = 0; i < 1000; i++) outbox.tableChangedSoon(); // a connection storm
    await outbox.whenFlushed();
    expect(tables).toEqual(['1']);
    await vi.advanceTimersByTimeAsync(TABLE_INTERVAL_MS);
    await outbox.whenFlushed();
    expect(tables).toEqual(['1', '2']); // the storm's end state, once
    await vi.advanceTimersByTimeAsync(10 * TABLE_INTERVAL_MS);
    expect(tables).toEqual(['1', '2']); // nothing more changed: nothing more sent
  });

  it('lets a start or exit through at once, in the middle of an interval', async () => {
    const { outbox, tables } = watched();
    outbox.tableChangedSoon();
    outbox.tableChangedSoon(); // due at the interval's end
    await outbox.whenFlushed();
    outbox.tableChanged(); // an exit: at once, and it carries the socket change too
    await outbox.whenFlushed();
    expect(tables).toEqual(['1', '2']);
    await vi.advanceTimersByTimeAsync(TABLE_INTERVAL_MS);
    expect(tables).toEqual(['1', '2']); // nothing left due
  });
});
