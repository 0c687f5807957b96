/**
 * Puts the preview's WebSocket script (page-script.ts) first in an HTML answer as it streams
 * through the service worker, where it runs before any script of the page: after a byte order
 * mark and a doctype, which must stay first (a document without its doctype first is rendered
 * in quirks mode).
 */
import { PAGE_SCRIPT_PATH } from './protocol';

export const SCRIPT_TAG = `<script src="${PAGE_SCRIPT_PATH}"></script>`;

/** The bytes looked at for a doctype before the tag goes in. */
const LOOK_BYTES = 1024;

/** Where the tag goes in a document beginning with `head` (all of it, if shorter than
 * LOOK_BYTES): after a BOM, comments and a doctype, if there. */
export function scriptInsertAt(head: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(head.subarray(0, LOOK_BYTES));
  const doctype = /^(?:\xEF\xBB\xBF)?(?:\s|<!--[\s\S]*?-->)*<!doctype[^>]*>/i.exec(text);
  if (doctype) return doctype[0].length;
  return text.startsWith('\xEF\xBB\xBF') ? 3 : 0;
}

/** Whether `head` is enough to know where the tag goes (a page may send its first bytes and
 * pause: they are not held for more than they need). */
export function scriptPlaceKnown(head: Uint8Array): boolean {
  if (head.length >= LOOK_BYTES) return true;
  let text = new TextDecoder('latin1').decode(head).replace(/^(?:\xEF\xBB\xBF)?/, '');
  for (;;) {
    text = text.trimStart();
    if (!text.startsWith('<!--')) break;
    const end = text.indexOf('-->');
    if (end < 0) return false; // a comment not yet closed
    text = text.slice(end + 3);
  }
  if (text === '') return false;
  const start = text.slice(0, 9).toLowerCase();
  if (start.length < 9 && ('<!doctype'.startsWith(start) || '<!--'.startsWith(start))) {
    return false; // the start of a doctype or a comment, maybe
  }
  return start !== '<!doctype' || text.includes('>');
}

/** Whether a body sent without a Content-Type begins as the browser takes for HTML (the
 * signatures of the MIME Sniffing standard's HTML pattern, in short). */
export function looksLikeHtml(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, LOOK_BYTES));
  return /^(?:\xEF\xBB\xBF)?[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--)[ >]/i.test(
    text,
  );
}

/** A stream that passes an HTML body through with the tag put in; `sniff`: the answer had no
 * Content-Type, and the tag goes in only if the body looks like HTML. */
export function injectPageScript(sniff = false): TransformStream<Uint8Array, Uint8Array> {
  const tag = new TextEncoder().encode(SCRIPT_TAG);
  let held: Uint8Array | null = new Uint8Array(0);
  const release = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!held) return;
    if (sniff && !looksLikeHtml(held)) {
      controller.enqueue(held);
      held = null;
      return;
    }
    const at = scriptInsertAt(held);
    controller.enqueue(held.slice(0, at));
    controller.enqueue(tag);
    if (at < held.length) controller.enqueue(held.slice(at));
    held = null;
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (!held) return controller.enqueue(chunk);
      const joined = new Uint8Array(held.length + chunk.length);
      joined.set(held);
      joined.set(chunk, held.length);
      held = joined;
      if (scriptPlaceKnown(held)) release(controller);
    },
    flush: release,
  });
}
