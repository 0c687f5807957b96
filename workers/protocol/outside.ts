/**
 * Connections into the virtual network from outside the run's processes: the page's Preview
 * (issue 23) reaches a server the program runs as a browser reaches a real one. Each connection
 * is a MessagePort between the page and the kernel (`KernelApi.connectOutside`); the kernel
 * copies what the page posts into the connection's ring toward the server, and posts back what
 * the server writes.
 */

/** Whom the trace, the process list and the Timeline name as the client. */
export const OUTSIDE_PID = 0;

/** What the page may have posted and the kernel not yet acknowledged as read: past this the
 * kernel stops reading from the server, whose writes then wait, as TCP's window makes them. */
export const OUTSIDE_WINDOW = 1 << 20;

/** The page to the kernel. */
export type ToServer =
  /** Bytes for the server. */
  | { data: Uint8Array }
  /** The page read this many more of the bytes posted to it (the kernel's window opens). */
  | { read: number }
  /** shutdown(SHUT_WR): the server reads end of file; the page goes on reading. */
  | { shut: true }
  /** close(2): both directions end. */
  | { close: true };

/** The kernel to the page. */
export type FromServer =
  | { data: Uint8Array }
  /** The server closed or shut down its side: nothing more comes. */
  | { end: true }
  /** The connection was reset (the server closed with unread data, or died). */
  | { reset: true };
