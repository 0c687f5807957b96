"""Linux's signal table: SIGRTMIN, SIGCLD, SIG_IGN's value, strsignal's words, the valid
numbers, and no handler a program did not set."""
import os
import signal
import time

print(repr(signal.SIGRTMIN), repr(signal.SIGRTMAX), repr(signal.SIGCLD), signal.NSIG)
print(sorted((int(s), repr(s)) for s in signal.valid_signals())[28:36], len(signal.valid_signals()))
print([int(s) for s in signal.valid_signals() if signal.getsignal(s) not in (signal.SIG_DFL, signal.SIG_IGN, signal.default_int_handler)])
print(signal.Signals(17).name, signal.Signals(6).name, signal.Signals(29).name)
print([signal.strsignal(n) for n in (8, 17, 33, 34, 64)])
print(signal.signal(signal.SIGRTMAX, print), signal.getsignal(signal.SIGRTMAX), signal.signal(signal.SIGRTMAX, signal.SIG_DFL))
print(repr(signal.signal(signal.SIGUSR1, signal.SIG_IGN)), repr(signal.getsignal(signal.SIGUSR1)))
os.kill(os.getpid(), signal.SIGUSR1)  # ignored
signal.signal(signal.SIGUSR1, lambda s, f: print("got", repr(signal.Signals(s))))
os.kill(os.getpid(), signal.SIGUSR1)
time.sleep(0.1)
print(signal.signal(signal.SIGUSR1, 1).__name__, repr(signal.getsignal(signal.SIGUSR1)))
