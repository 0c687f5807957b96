/**
 * One TCP connection from the page into the kernel's network (workers/protocol/outside.ts), as
 * the Preview's HTTP requests and WebSockets use it.
 */
import * as Comlink from 'comlink';
import type { Kernel } from '../kernel-client';
import type { FromServer, ToServer } from '../../workers/protocol/outside';

/** One connection into the kernel's network. */
export class Link {
  ended = false;
  /** What came before anyone listened, for the first listener. */
  private early: FromServer[] = [];
  private listener: (message: FromServer) => void = (message) => this.early.push(message);

  constructor(private readonly port: MessagePort) {
    port.onmessage = ({ data }: MessageEvent<FromServer>) => {
      if (!('data' in data)) this.ended = true;
      this.listener(data);
    };
  }

  /** Connects to `port`: the link, or the errno. */
  static async open(kernel: Kernel, port: number): Promise<Link | number> {
    const channel = new MessageChannel();
    const errno = await kernel.connectOutside(
      port,
      Comlink.transfer(channel.port2, [channel.port2]),
    );
    if (errno !== 0) return errno;
    return new Link(channel.port1);
  }

  listen(listener: (message: FromServer) => void): void {
    this.listener = listener;
    for (const message of this.early.splice(0)) listener(message);
  }

  send(message: ToServer): void {
    this.port.postMessage(message);
  }

  close(): void {
    this.ended = true;
    this.send({ close: true });
    this.port.close();
  }
}
