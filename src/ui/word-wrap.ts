/**
 * Keeps the console's own notes from breaking mid-word at its width, as the terminal would.
 * Help and hints are wrapped (`wrapWords`: new lines, a hanging indent); any other note is padded
 * (`padWords`: a break's space is widened to the row's end), so the terminal's own wrap falls
 * between words and the note stays one logical line, which a wider console joins again. Han text may break between any two characters;
 * wide characters take two columns. A line laid out in two columns (`  nc HOST PORT   connect…`)
 * continues under its second column.
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** A piece that never breaks: a run of non-space, non-wide characters, or one wide character. */
const PIECE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]+|\s+/gu;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) ? 2 : 1;
  return width;
}

/** Where a line's continuation starts: under its second column, or under its own indent. */
function hangingIndent(line: string, columns: number): number {
  const lead = /^\s*/.exec(line)![0].length;
  const second = /\S {2,}(?=\S)/.exec(line.slice(lead));
  if (second) {
    const at = displayWidth(line.slice(0, lead + second.index + second[0].length));
    if (at <= columns * 0.6) return at;
  }
  return Math.min(lead, Math.floor(columns / 4));
}

function wrapLine(line: string, columns: number): string[] {
  if (displayWidth(line) <= columns) return [line];
  const indent = ' '.repeat(hangingIndent(line, columns));
  const lines: string[] = [];
  let current = '';
  for (const piece of line.match(PIECE) ?? []) {
    if (/^\s+$/.test(piece)) {
      if (displayWidth(current + piece) < columns) current += piece;
      continue;
    }
    if (current.trim() && displayWidth(current + piece) > columns) {
      lines.push(current.trimEnd());
      current = indent;
    }
    // A piece longer than a line (a URL) is left whole: the terminal breaks it.
    current += piece;
  }
  if (current.trim()) lines.push(current.trimEnd());
  return lines;
}

export function wrapWords(text: string, columns: number): string {
  if (columns < 10) return text;
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, columns))
    .join('\n');
}

/** `line` with each space where a row must end widened to that row's end; a wide character
 * that does not fit is left for the terminal to carry over (it leaves the last cell empty). */
function padLine(line: string, columns: number): string {
  if (displayWidth(line) <= columns) return line;
  let out = '';
  let column = 0;
  const pieces = line.match(PIECE) ?? [];
  pieces.forEach((piece, index) => {
    const width = displayWidth(piece);
    const next = pieces[index + 1];
    if (/^\s+$/.test(piece)) {
      const room = columns - column;
      const fits = next === undefined || column + width + displayWidth(next) <= columns;
      if (fits || WIDE.test(next)) {
        out += piece;
        column = (column + width) % columns;
      } else {
        out += ' '.repeat(room);
        column = 0;
      }
      return;
    }
    out += piece;
    column = column + width > columns && WIDE.test(piece) ? width : (column + width) % columns;
  });
  return out;
}

export function padWords(text: string, columns: number): string {
  if (columns < 10) return text;
  return text
    .split('\n')
    .map((line) => padLine(line, columns))
    .join('\n');
}
