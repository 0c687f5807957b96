"""Names, identities, enumerate, excepthook output, daemon versus non-daemon exit."""
import sys
import threading
import time

print("switch interval:", sys.getswitchinterval())
sys.setswitchinterval(0.002)
print("switch interval now:", sys.getswitchinterval())
sys.setswitchinterval(0.005)
main = threading.current_thread()
print(main.name, main is threading.main_thread(), threading.active_count())


def work():
    pass


t = threading.Thread(target=work)
print(t.name, t.is_alive(), t.ident, t.daemon)
t.start()
t.join()
print(t.is_alive(), t.ident != threading.get_ident(), t.native_id != threading.get_native_id())
print(threading.Thread(target=work, name="custom").name, threading.Thread().name)
try:
    t.start()
except RuntimeError as error:
    print("RuntimeError:", error)
try:
    threading.current_thread().join()
except RuntimeError as error:
    print("RuntimeError:", error)

idents = set()
started = threading.Event()
done = threading.Event()


def park():
    idents.add(threading.get_ident())
    started.set()
    done.wait()


threads = [threading.Thread(target=park, name=f"parked-{i}") for i in range(3)]
for t in threads:
    t.start()
print(sorted(t.name for t in threading.enumerate()), threading.active_count())
done.set()
for t in threads:
    t.join(timeout=5)
print("distinct idents:", len(idents), threading.active_count())


def boom():
    raise ValueError("boom in a thread")


t = threading.Thread(target=boom, name="Bad")
t.start()
t.join()
print("main goes on after the thread's exception")

caught = []
threading.excepthook = lambda args: caught.append((args.exc_type.__name__, args.thread.name))
t = threading.Thread(target=boom, name="Hooked")
t.start()
t.join()
print("custom excepthook:", caught)
threading.excepthook = threading.__excepthook__


def forever():
    while True:
        time.sleep(0.01)


threading.Thread(target=forever, daemon=True).start()


def slow():
    time.sleep(0.1)
    print("the non-daemon thread finishes after main")


threading.Thread(target=slow).start()
print("main ends")
