"""A pipe's end closed by every process holding it reads as closed at once (POLLHUP, EOF)."""
import multiprocessing as mp, os, select

def child(w, ready_w):
    os.close(w)            # the child's copy of the write end
    os.write(ready_w, b"!")

if __name__ == "__main__":
    r, w = os.pipe()
    ready_r, ready_w = os.pipe()
    p = mp.Process(target=child, args=(w, ready_w))
    p.start()
    os.close(w)            # the parent's copy
    os.read(ready_r, 1)    # the child has closed its copy too
    poller = select.poll()
    poller.register(r, select.POLLIN)
    print(poller.poll(0))
    print(os.read(r, 10))
    p.join()
