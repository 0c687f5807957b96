/** Hints after tracebacks from programs written for an older Python: found across chunks, in
 * stderr only, once a run. */
import { describe, expect, it } from 'vitest';
import { PythonHints } from '../../src/ui/python-hints';

describe('PythonHints', () => {
  it('names the modern form once a run, from stderr lines split across chunks', () => {
    const hints = new PythonHints();
    expect(
      hints.feed(1, 2, 'Traceback (most recent call last):\nRuntimeError: There is no cur'),
    ).toEqual([]);
    expect(hints.feed(1, 2, "rent event loop in thread 'MainThread'.\n")).toEqual([
      'hintEventLoop',
    ]);
    expect(
      hints.feed(2, 2, "RuntimeError: There is no current event loop in thread 'X'.\n"),
    ).toEqual([]);
    expect(
      hints.feed(1, 1, "AttributeError: module 'asyncio' has no attribute 'coroutine'\n"),
    ).toEqual([]);
    expect(
      hints.feed(
        3,
        2,
        "AttributeError: 'Thread' object has no attribute 'isAlive'. Did you mean: 'is_alive'?\n" +
          "TypeError: sleep() got an unexpected keyword argument 'loop'\n",
      ),
    ).toEqual(['hintIsAlive', 'hintLoopArgument']);
    hints.reset();
    expect(
      hints.feed(1, 2, "RuntimeError: There is no current event loop in thread 'M'.\n"),
    ).toEqual(['hintEventLoop']);
  });
});
