/**
 * Kernel calls as plain messages (protocol/process.ts `PlainCall`): what the kernel takes from
 * the syscall port, and answers written into the interrupt buffer and read back by the worker.
 */
import { describe, expect, it } from 'vitest';
import { FdTable } from '../../workers/kernel/fd-table';
import { InterruptLine } from '../../workers/kernel/interrupts';
import { IpcTable } from '../../workers/kernel/ipc-table';
import { netCallsFor } from '../../workers/kernel/net-calls';
import { NetTable } from '../../workers/kernel/net-table';
import { Trace } from '../../workers/kernel/trace';
import { ANSWERED_INDEX, Errno, INTERRUPT_BUFFER_BYTES } from '../../workers/protocol/constants';
import { AF, SOCK } from '../../workers/protocol/net';
import { isPlainCallMessage } from '../../workers/protocol/process';
import { readAnswer } from '../../workers/runtime/plain-calls';

const PID = 1;
const interrupts = () => new Int32Array(new SharedArrayBuffer(INTERRUPT_BUFFER_BYTES));

describe('plain kernel calls', () => {
  it('takes only the calls it knows, asked ones with a number and told ones without', () => {
    const args: unknown[] = [3];
    expect(isPlainCallMessage({ plain: [{ seq: 1, name: 'sockInfo', args }] })).toBe(true);
    expect(isPlainCallMessage({ plain: [{ seq: null, name: 'fdClose', args }] })).toBe(true);
    // A told call waited for, an asked call not waited for, a name of no plain call.
    expect(isPlainCallMessage({ plain: [{ seq: 1, name: 'fdClose', args }] })).toBe(false);
    expect(isPlainCallMessage({ plain: [{ seq: null, name: 'sockInfo', args }] })).toBe(false);
    expect(isPlainCallMessage({ plain: [{ seq: 1, name: 'kill', args }] })).toBe(false);
    expect(isPlainCallMessage({ plain: [{ seq: 1, name: 'sockInfo', args: 3 }] })).toBe(false);
    // Calls made together: every one must be a plain call.
    const close = { seq: null, name: 'fdClose', args };
    expect(isPlainCallMessage({ plain: [{ seq: null, name: 'ipcOps', args: [[]] }, close] })).toBe(
      true,
    );
    expect(isPlainCallMessage({ plain: [close, { seq: null, name: 'kill', args }] })).toBe(false);
    expect(isPlainCallMessage({ plain: close })).toBe(false);
    // Comlink's own messages pass on to Comlink.
    expect(isPlainCallMessage({ id: 'x', type: 'APPLY', path: ['sockInfo'] })).toBe(false);
    expect(isPlainCallMessage(null)).toBe(false);
  });

  it("answers in the interrupt buffer under the call's number, as the worker reads it", async () => {
    const buffer = interrupts();
    const line = new InterruptLine(buffer);
    const ipc = new IpcTable();
    const fds = new FdTable(ipc, { closeAll: () => {} });
    const net = new NetTable(ipc, fds, new Trace(() => 0));
    const calls = netCallsFor(
      net,
      PID,
      () => {},
      (seq, value) => line.answer(seq, value),
    );
    expect(net.create(PID, 3, AF.INET, SOCK.STREAM)).toBe(0);

    calls.netNow(1, 'sockBind', [3, { host: '127.0.0.1', port: 8080 }, false]);
    await expect.poll(() => Atomics.load(buffer, ANSWERED_INDEX)).toBe(1);
    expect(readAnswer(buffer)).toEqual({ local: { host: '127.0.0.1', port: 8080 }, ring: -1 });

    calls.netNow(2, 'sockInfo', [9]); // no socket there
    await expect.poll(() => Atomics.load(buffer, ANSWERED_INDEX)).toBe(2);
    expect(readAnswer(buffer)).toEqual({ errno: Errno.ENOTSOCK });

    // A name outside the network's answered calls is refused, still answered: nobody hangs.
    calls.netNow(3, 'sockCreate' as never, [4, AF.INET, SOCK.STREAM] as never);
    expect(Atomics.load(buffer, ANSWERED_INDEX)).toBe(3);
    expect(readAnswer(buffer)).toEqual({ errno: Errno.EINVAL });
  });

  it('answers EIO for an answer that does not fit', () => {
    const buffer = interrupts();
    new InterruptLine(buffer).answer(7, { path: 'x'.repeat(5000) });
    expect(Atomics.load(buffer, ANSWERED_INDEX)).toBe(7);
    expect(readAnswer(buffer)).toEqual({ errno: Errno.EIO });
  });
});
