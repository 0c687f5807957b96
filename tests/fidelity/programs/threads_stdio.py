# Threads sharing the standard streams: whole-line writes from two threads flooding stdout and
# stderr, and two threads waiting in input() at once. Each line is one write, so it arrives whole.
import sys
import threading


def flood(tag):
    for i in range(500):
        sys.stdout.write(f"{tag} out {i}\n")
        if i % 100 == 0:
            sys.stderr.write(f"{tag} err {i}\n")


writers = [threading.Thread(target=flood, args=(tag,)) for tag in "ab"]
for t in writers:
    t.start()
for t in writers:
    t.join()

answers = []
readers = [threading.Thread(target=lambda: answers.append(input())) for _ in range(2)]
for t in readers:
    t.start()
for t in readers:
    t.join()
print("read", sorted(answers))
