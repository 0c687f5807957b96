/** The colours that tell processes apart: one ANSI foreground code per pid, red kept for stderr. */
import type { Pid } from '../../workers/protocol/kernel';

const TAG_COLOURS = ['36', '33', '35', '32', '34', '96', '93', '95', '92', '94'] as const;

/** The ANSI SGR foreground code for a pid's `[pid]` tag (the process list uses `.ansi-<code>`). */
export function tagColour(pid: Pid): string {
  return TAG_COLOURS[Math.abs(pid) % TAG_COLOURS.length];
}
