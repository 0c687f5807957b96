import threading
import time


class Account:
    def __init__(self, name, balance):
        self.name = name
        self.balance = balance
        self.lock = threading.Lock()


def transfer(source, target, amount):
    # Every thread takes the two locks in one order, whichever way the money goes.
    first, second = sorted((source, target), key=lambda account: account.name)
    with first.lock:
        time.sleep(0.01)  # checking the balance, writing a log: work between the two locks
        with second.lock:
            source.balance -= amount
            target.balance += amount


def pay(source, target):
    for _ in range(10):
        transfer(source, target, 1)


alice = Account("alice", 100)
bob = Account("bob", 100)
threads = [
    threading.Thread(target=pay, args=(alice, bob)),
    threading.Thread(target=pay, args=(bob, alice)),
]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("alice", alice.balance)
print("bob", bob.balance)
