"""os.fdopen and open() on a pipe's descriptor block until data comes, as on Linux."""
import os, multiprocessing as mp, time
def child(w):
    time.sleep(0.3)
    os.write(w, b"late data\n")
    os.close(w)
if __name__ == "__main__":
    r, w = os.pipe()
    p = mp.Process(target=child, args=(w,))
    p.start()
    os.close(w)
    with os.fdopen(r, "rb") as f:
        print(f.read())
    p.join()
    r, w = os.pipe()
    p = mp.Process(target=child, args=(w,)); p.start(); os.close(w)
    with open(r, "r") as f:
        for line in f: print("line", line.strip())
    p.join()
