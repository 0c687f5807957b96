/** A run starts its entries as a person would: each once the one before it listens, waits in a
 * blocking call, has ended, or has run for a second; Stop ends the waiting. */
import { describe, expect, it } from 'vitest';
import { AF, SOCK } from '../../workers/protocol/net';
import type { Program } from './scripted-kernel';
import { never, run, setup } from './scripted-kernel';

const events: string[] = [];
const client: Program = async () => void events.push('client started');

describe('run order', () => {
  it('starts the client once the server listens', async () => {
    events.length = 0;
    const { kernel } = setup({
      'server.py': async (sys) => {
        await sys.sleep(50); // a sleep before it binds: the client must not start yet
        await sys.sockCreate(3, AF.INET, SOCK.STREAM);
        await sys.sockBind(3, { host: '127.0.0.1', port: 8000 }, false);
        events.push('server binds');
        await new Promise((resolve) => setTimeout(resolve, 50)); // bound, not yet listening
        await sys.sockListen(3, 5);
        events.push('server listens');
        return never();
      },
      'client.py': client,
    });
    await run(kernel, 'server.py', 'client.py');
    await expect.poll(() => events).toEqual(['server binds', 'server listens', 'client started']);
    kernel.stop();
  });

  it('starts the next once the one before blocks, or after a second of running', async () => {
    events.length = 0;
    const { kernel } = setup({
      'reader.py': async (sys) => void (await sys.read(0, 100)),
      'busy.py': async () => {
        events.push('busy');
        return never(); // runs without a kernel call
      },
      'client.py': client,
    });
    const started = performance.now();
    await run(kernel, 'reader.py', 'busy.py', 'client.py');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    await expect.poll(() => events).toEqual(['busy', 'client started']);
    kernel.stop();
  });

  it('starts no more entries once Stop is pressed', async () => {
    events.length = 0;
    const { kernel } = setup({ 'busy.py': never, 'client.py': client });
    const running = run(kernel, 'busy.py', 'client.py');
    await expect.poll(() => kernel.table.get(1)?.state).toBe('running');
    kernel.stop();
    expect(await running).toEqual([1]);
    expect(events).toEqual([]);
  });
});
