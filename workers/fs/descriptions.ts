/**
 * Open file descriptions in the volume (layout: protocol/fs.ts `Description`), as Linux's
 * `struct file`: what `open` makes, `dup` and fork share, and the last `close` frees. Each holds
 * its file, a reference count and the offset its descriptors share.
 *
 * Each process also counts, per description, the references it holds itself (`held`, an array
 * the kernel's descriptor table gives it: kernel/fd-table.ts). The counts change under the
 * volume's lock with the references, so when a process ends, even killed mid-run, the kernel
 * closes exactly what it left open (`closeHeld`), and a worker that runs a moment after its
 * death finds its counts taken and closes nothing twice.
 */
import { Errno } from '../protocol/constants';
import { DESCRIPTION_COUNT, DESCRIPTIONS_AT, Description, Header } from '../protocol/fs';
import { FsError, type Volume } from './volume';

export class Descriptions {
  private readonly words: Int32Array;
  private readonly times: Float64Array;

  /** `held`: this process's counts; null for the kernel, which holds none itself. */
  constructor(
    private readonly volume: Volume,
    private readonly held: Int32Array | null,
  ) {
    this.words = volume.words;
    this.times = new Float64Array(volume.buffer);
  }

  /** A new description of `ino` (which then counts as open), offset 0. */
  open(ino: number): number {
    return this.volume.locked(() => {
      const start = this.words[Header.NEXT_DESCRIPTION];
      for (let i = 0; i < DESCRIPTION_COUNT; i++) {
        const d = (start + i) % DESCRIPTION_COUNT;
        const at = wordOf(d);
        if (this.words[at + Description.INO] !== 0) continue;
        this.words[at + Description.INO] = ino;
        this.words[at + Description.REFS] = 1;
        this.words[at + Description.FLOCKED] = 0;
        this.times[(at >> 1) + Description.POSITION / 2] = 0;
        this.words[Header.NEXT_DESCRIPTION] = (d + 1) % DESCRIPTION_COUNT;
        this.volume.open(ino);
        if (this.held) this.held[d]++;
        return d;
      }
      throw new FsError(Errno.ENFILE);
    });
  }

  /** Another descriptor of `d` in this process (dup). */
  share(d: number): void {
    this.volume.locked(() => {
      this.lend(d);
      if (this.held) this.held[d]++;
    });
  }

  /** Another reference to `d` for someone else to hold: a forked child, whose counts the
   * kernel keeps until it runs. */
  lend(d: number): void {
    this.volume.locked(() => {
      const at = wordOf(d);
      const ino = this.words[at + Description.INO];
      if (ino === 0) throw new FsError(Errno.EBADF);
      this.words[at + Description.REFS]++;
      this.volume.open(ino);
    });
  }

  /** A descriptor of `d` closed here; true when it was the last, in any process. */
  close(d: number): boolean {
    return this.volume.locked(() => {
      if (this.held) {
        // Taken already: the kernel closed it for this process, which has ended.
        if (this.held[d] <= 0) return false;
        this.held[d]--;
      }
      return this.drop(d);
    });
  }

  private drop(d: number): boolean {
    const at = wordOf(d);
    const ino = this.words[at + Description.INO];
    if (ino === 0) return true;
    const left = --this.words[at + Description.REFS];
    if (left <= 0) this.words[at + Description.INO] = 0;
    this.volume.close(ino);
    return left <= 0;
  }

  /** The kernel, for a process that ended: every reference in `held` is closed (and the counts
   * taken). Returns the descriptions whose last reference that was and that had a flock. */
  closeHeld(held: Int32Array): number[] {
    return this.volume.locked(() => {
      const flocked: number[] = [];
      for (let d = 0; d < held.length; d++) {
        for (let n = held[d]; n > 0; n--) {
          const had = this.flocked(d);
          if (this.drop(d) && had) flocked.push(d);
        }
        held[d] = 0;
      }
      return flocked;
    });
  }

  /** Whether a flock was taken on `d` (its last close must then be reported). */
  flocked(d: number): boolean {
    return Atomics.load(this.words, wordOf(d) + Description.FLOCKED) !== 0;
  }

  markFlocked(d: number): void {
    Atomics.store(this.words, wordOf(d) + Description.FLOCKED, 1);
  }

  /** The offset: no lock, as one Float64 is read or written whole. */
  position(d: number): number {
    return this.times[(wordOf(d) >> 1) + Description.POSITION / 2];
  }

  setPosition(d: number, position: number): void {
    this.times[(wordOf(d) >> 1) + Description.POSITION / 2] = position;
  }

  /** Before a run, when no process lives: no description is open. */
  reset(): void {
    this.volume.locked(() => {
      this.words.fill(0, DESCRIPTIONS_AT >> 2, wordOf(DESCRIPTION_COUNT));
      this.words[Header.NEXT_DESCRIPTION] = 0;
    });
  }
}

const wordOf = (d: number) => (DESCRIPTIONS_AT >> 2) + d * Description.WORDS;
