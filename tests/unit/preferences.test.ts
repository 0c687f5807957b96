import { describe, expect, it } from 'vitest';
import { memoryStorage } from './memory-storage';
import {
  defaultPreferences,
  parsePreferences,
  PREFERENCES_KEY,
  PreferenceStore,
} from '../../src/preferences';
import { shareWeights } from '../../src/ui/layout';
import { resolveTheme } from '../../src/ui/theme';
import { DownloadMeter, type DownloadCount } from '../../workers/kernel/download-meter';

describe('preferences', () => {
  it('keeps what is well formed and drops the rest, field by field', () => {
    expect(
      parsePreferences({
        theme: 'light',
        fontSize: 7,
        paneSizes: { editor: 40, side: 'wide', console: 140 },
        collapsed: ['processes', 3],
      }),
    ).toEqual({
      theme: 'light',
      fontSize: 14,
      paneSizes: { editor: 40 },
      collapsed: ['processes'],
    });
    expect(parsePreferences('nonsense')).toEqual(defaultPreferences());
  });

  it('are saved under their own key and read back; damaged ones give the defaults', () => {
    const storage = memoryStorage();
    const store = new PreferenceStore(storage);
    const heard: number[] = [];
    store.subscribe((p) => heard.push(p.fontSize));
    store.update({ fontSize: 18, theme: 'dark' });
    expect(heard).toEqual([18]);
    expect(new PreferenceStore(storage).value).toMatchObject({ fontSize: 18, theme: 'dark' });
    storage.items.set(PREFERENCES_KEY, '{not json');
    expect(new PreferenceStore(storage).value).toEqual(defaultPreferences());
  });
});

describe('splitter weights', () => {
  const weights = { before: 55, after: 45 };
  const pixels = { before: 550, after: 450 };

  it('share the two panes’ summed weight as their pixels now are', () => {
    const moved = shareWeights(weights, pixels, 300);
    expect(moved.folded).toBeNull();
    expect(moved.before).toBeCloseTo(30);
    expect(moved.after).toBeCloseTo(70);
  });

  it('fold a pane dragged to its edge, and keep a small one usable', () => {
    expect(shareWeights(weights, pixels, 20)).toMatchObject({
      before: 0,
      after: 100,
      folded: 'before',
    });
    expect(shareWeights(weights, pixels, 990)).toMatchObject({
      before: 100,
      after: 0,
      folded: 'after',
    });
    expect(shareWeights(weights, pixels, 60).before).toBeCloseTo(12); // 120 px of 1000
  });
});

describe('theme', () => {
  it('follows the system unless chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('download meter', () => {
  it('counts bytes as they pass and tells the total from Content-Length', async () => {
    const counts: DownloadCount[] = [];
    const meter = new DownloadMeter((count) => counts.push(count));
    const body = new Uint8Array(3000).fill(7);
    const response = new Response(body, { headers: { 'content-length': '3000' } });
    const tracked = meter.track(response);
    const bytes = new Uint8Array(await tracked.arrayBuffer());
    expect(bytes).toEqual(body);
    expect(counts.at(-1)).toEqual({ loaded: 3000, total: 3000 });
  });

  it('passes a failed response through untouched', () => {
    const meter = new DownloadMeter(() => undefined);
    const failed = new Response('missing', { status: 404 });
    expect(meter.track(failed)).toBe(failed);
  });
});
