import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleWorkspace, isUntouched, TOPICS } from '../../src/gallery';
import { LOCALES, translate } from '../../src/i18n';
import { defaultState } from '../../src/store';

describe('examples gallery', () => {
  it('holds every program in examples/, each under a topic', () => {
    const listed = new Set(EXAMPLES.flatMap((ex) => ex.files));
    const onDisk = readdirSync(new URL('../../examples/', import.meta.url)).filter((f) =>
      f.endsWith('.py'),
    );
    expect([...listed].sort()).toEqual(onDisk.sort());
    for (const ex of EXAMPLES) expect(TOPICS).toContain(ex.topic);
  });

  it('gives each example a title and a line of explanation in zh-CN and en', () => {
    for (const locale of LOCALES) {
      for (const ex of EXAMPLES) {
        expect(translate(locale, ex.title)).not.toBe(ex.title);
        expect(translate(locale, ex.summary)).not.toBe(ex.summary);
      }
    }
    expect(translate('zh-CN', 'example_18')).not.toBe(translate('en', 'example_18'));
  });

  it('opens a server with its client ticked after it, so one Run starts both', () => {
    const server = EXAMPLES.find((ex) => ex.id === '18')!;
    const ws = exampleWorkspace(server);
    expect(ws.files.map((f) => f.path)).toEqual(['18_asyncio_server.py', '8888_client.py']);
    expect(ws.entries).toEqual(['18_asyncio_server.py', '8888_client.py']);
    expect(ws.active).toBe('18_asyncio_server.py');
    expect(ws.files[0].content).toContain('asyncio.start_server');
    expect(exampleWorkspace(EXAMPLES[0]).entries).toEqual([]);
  });

  it('knows when replacing the files would lose the user’s own work', () => {
    const start = defaultState('en').files;
    expect(isUntouched(start, start)).toBe(true);
    expect(isUntouched(exampleWorkspace(EXAMPLES[3]).files, start)).toBe(true);
    const edited = [{ path: 'main.py', content: start[0].content + '\nprint("mine")\n' }];
    expect(isUntouched(edited, start)).toBe(false);
  });
});
