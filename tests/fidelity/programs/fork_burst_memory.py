"""Eight children forked at once, each reading what its parent built and changed before the
fork: the child's memory is an exact copy, however its image travelled to it."""
import hashlib
import multiprocessing as mp

table = {i: str(i) * (i % 7) for i in range(50_000)}
words = [f"word{i}" for i in range(20_000)]


def digest():
    text = repr(sorted(table.items())) + repr(words)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def child(n):
    print(f"child {n} sees {table[n]!r}, {len(words)} words, digest {digest()}", flush=True)


if __name__ == "__main__":
    children = []
    for n in range(8):
        table[n] = f"changed before fork {n}"  # a few bytes on a page the snapshot has
        words.append(f"appended {n}")
        children.append(mp.Process(target=child, args=(n,)))
        children[-1].start()
    for p in children:
        p.join()
    print("parent digest", digest())
