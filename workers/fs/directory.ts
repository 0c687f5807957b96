/**
 * Directory entries in a directory's data (`[ino u32][length u16][name]`, four-byte aligned;
 * ino 0 is a removed entry), with a per-worker cache of name → offset that stays valid while
 * the directory's `VERSION` is the one it was built at. The worker that changes a directory
 * updates its own cache; another worker rebuilds its cache on its next lookup there.
 * Callers hold the volume lock.
 */
import { ENTRY_HEADER, Inode } from '../protocol/fs';
import type { Volume } from './volume';

interface Cached {
  version: number;
  offsets: Map<string, number>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const entryBytes = (nameBytes: number) => (ENTRY_HEADER + nameBytes + 3) & ~3;

export class DirectoryCache {
  private readonly cache = new Map<number, Cached>();
  /** Entries are four-byte aligned in 64-byte aligned blocks: the ino is a word, the name's
   * length the next half-word. */
  private readonly halves: Uint16Array;

  constructor(private readonly volume: Volume) {
    this.halves = new Uint16Array(volume.buffer);
  }

  /** The inode named `name` in `dir`, or 0. */
  find(dir: number, name: string): number {
    const at = this.entries(dir).offsets.get(name);
    return at === undefined ? 0 : this.inoAt(dir, at);
  }

  names(dir: number): string[] {
    return [...this.entries(dir).offsets.keys()];
  }

  add(dir: number, name: string, ino: number): void {
    const cached = this.entries(dir);
    const encoded = encodeName(name);
    const v = this.volume;
    const at = v.get(dir, Inode.SIZE);
    const size = entryBytes(encoded.length);
    v.ensure(dir, at + size);
    const base = v.get(dir, Inode.DATA) + at;
    v.words[base >> 2] = ino;
    this.halves[(base + 4) >> 1] = encoded.length;
    v.bytes.set(encoded, base + ENTRY_HEADER);
    v.set(dir, Inode.SIZE, at + size);
    cached.offsets.set(name, at);
    this.changed(dir, cached);
  }

  remove(dir: number, name: string): void {
    const cached = this.entries(dir);
    const at = cached.offsets.get(name);
    if (at === undefined) return;
    const v = this.volume;
    const base = v.get(dir, Inode.DATA) + at;
    v.words[base >> 2] = 0;
    cached.offsets.delete(name);
    const dead = v.get(dir, Inode.DEAD) + entryBytes(this.nameLength(base));
    v.set(dir, Inode.DEAD, dead);
    if (dead > 4096 && dead * 2 > v.get(dir, Inode.SIZE)) this.compact(dir, cached);
    this.changed(dir, cached);
  }

  private changed(dir: number, cached: Cached): void {
    cached.version = this.volume.touch();
    this.volume.set(dir, Inode.VERSION, cached.version);
  }

  private inoAt(dir: number, at: number): number {
    return this.volume.words[(this.volume.get(dir, Inode.DATA) + at) >> 2];
  }

  private nameLength(base: number): number {
    return this.halves[(base + 4) >> 1];
  }

  /** Rewrites the live entries to the front, so removed ones stop costing space and scans. */
  private compact(dir: number, cached: Cached): void {
    const v = this.volume;
    const data = v.get(dir, Inode.DATA);
    let to = 0;
    for (const [name, from] of [...cached.offsets].sort((a, b) => a[1] - b[1])) {
      const size = entryBytes(this.nameLength(data + from));
      v.bytes.copyWithin(data + to, data + from, data + from + size);
      cached.offsets.set(name, to);
      to += size;
    }
    v.set(dir, Inode.SIZE, to);
    v.set(dir, Inode.DEAD, 0);
  }

  private entries(dir: number): Cached {
    const v = this.volume;
    const version = v.get(dir, Inode.VERSION);
    let cached = this.cache.get(dir);
    if (cached && cached.version === version) return cached;
    cached = { version, offsets: new Map() };
    const data = v.get(dir, Inode.DATA);
    const size = v.get(dir, Inode.SIZE);
    for (let at = 0; at < size;) {
      const length = this.nameLength(data + at);
      if (this.inoAt(dir, at) !== 0) {
        cached.offsets.set(decodeName(v.bytes, data + at + ENTRY_HEADER, length), at);
      }
      at += entryBytes(length);
    }
    this.cache.set(dir, cached);
    return cached;
  }
}

/** Names are UTF-8; ASCII ones (nearly all) skip the encoder, which costs tens of µs a call in
 * a process worker (measured: half of a file's creation). */
function encodeName(name: string): Uint8Array {
  const bytes = new Uint8Array(name.length);
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x80) return encoder.encode(name);
    bytes[i] = code;
  }
  return bytes;
}

/** Names are UTF-8; ASCII ones (nearly all) skip the decoder, which cannot read shared memory. */
function decodeName(bytes: Uint8Array, at: number, length: number): string {
  let ascii = '';
  for (let i = 0; i < length; i++) {
    const byte = bytes[at + i];
    if (byte >= 0x80) return decoder.decode(bytes.slice(at, at + length));
    ascii += String.fromCharCode(byte);
  }
  return ascii;
}
