import { afterEach, describe, expect, it, vi } from 'vitest';
import { InterruptLine } from '../../workers/kernel/interrupts';
import {
  CLOSED_INDEX,
  DOORBELL,
  DOORBELL_INDEX,
  INTERRUPT_BUFFER_BYTES,
  PENDING_INDEX,
} from '../../workers/protocol/constants';

afterEach(() => vi.useRealTimers());

function line() {
  const buffer = new Int32Array(new SharedArrayBuffer(INTERRUPT_BUFFER_BYTES));
  return { buffer, line: new InterruptLine(buffer) };
}

describe('interrupt line', () => {
  it("stores a close's number where the process waits for it", () => {
    const { buffer, line: l } = line();
    expect(Atomics.wait(buffer, CLOSED_INDEX, 0, 0)).toBe('timed-out');
    l.closed(3);
    expect(Atomics.load(buffer, CLOSED_INDEX)).toBe(3);
  });

  it('marks a signal pending and rings the doorbell', () => {
    const { buffer, line: l } = line();
    l.deliver(2);
    expect(buffer[PENDING_INDEX]).toBe(1 << 2);
    expect(buffer[DOORBELL_INDEX]).toBe(DOORBELL);
    expect(l.pending()).toBe(true);
    l.close();
  });

  it('rings again while the signal is untaken, so a lost ring loses no signal', () => {
    vi.useFakeTimers();
    const { buffer, line: l } = line();
    l.deliver(2);
    buffer[DOORBELL_INDEX] = 0; // Pyodide read the ring while the process did not take the signal
    vi.advanceTimersByTime(25);
    expect(buffer[DOORBELL_INDEX]).toBe(DOORBELL);
    Atomics.exchange(buffer, PENDING_INDEX, 0); // the process takes it
    buffer[DOORBELL_INDEX] = 0;
    vi.advanceTimersByTime(100);
    expect(buffer[DOORBELL_INDEX]).toBe(0);
    l.close();
  });

  it('ticks at the switch interval until stopped, never overwriting a ring', () => {
    vi.useFakeTimers();
    const { buffer, line: l } = line();
    l.setTicker(5);
    vi.advanceTimersByTime(5);
    expect(buffer[DOORBELL_INDEX]).toBe(DOORBELL);
    buffer[DOORBELL_INDEX] = 0;
    l.setTicker(0);
    vi.advanceTimersByTime(50);
    expect(buffer[DOORBELL_INDEX]).toBe(0);
    l.close();
  });
});
