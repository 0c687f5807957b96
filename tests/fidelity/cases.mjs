/** Helpers shared by the fidelity recorder (Node) and the fidelity test (Playwright). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** A case file lives in examples/ (the tutorials' programs) or tests/fidelity/programs/. */
export function fileSource(name) {
  const example = join(root, 'examples', name);
  return existsSync(example) ? example : join(root, 'tests/fidelity/programs', name);
}

/** The exception lines of a stderr text ("RuntimeError: …"): what a traceback ends with. */
export function exceptionLines(stderr) {
  return stderr
    .split('\n')
    .filter((line) => /^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b/.test(line));
}
