import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSTANTS_PY, renderConstantsPy } from '../../bin/gen-constants.mjs';
import { Errno, PARK_BASE, SLOT_BITS } from '../../workers/protocol/constants';

describe('procbox/constants.py', () => {
  it('is what bin/gen-constants.mjs makes of the TypeScript sources (npm run constants)', async () => {
    const fresh = await renderConstantsPy();
    expect(readFileSync(CONSTANTS_PY, 'utf8'), 'stale: run npm run constants').toBe(fresh);
  });

  it('carries the values and the boundary as TypeScript declares them', async () => {
    const text = await renderConstantsPy();
    expect(text).toContain(`\nECONNREFUSED = ${Errno.ECONNREFUSED}\n`);
    expect(text).toContain(`\nPARK_BASE = ${PARK_BASE}\n`);
    expect(text).toContain(`\nSLOT_BITS = ${SLOT_BITS}\n`);
    expect(text).toContain('\n    "waitpid": (1, 2),\n'); // timeoutMs is optional
    expect(text).toContain('\n    "callFor": (2, None),\n'); // a rest parameter
    expect(text).toContain('\n    "pid": None,\n'); // a value, not a method
  });
});
