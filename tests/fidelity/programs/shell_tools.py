"""head, tail, wc and env as commands, and os.system's "sh" in its error messages."""
import os
import subprocess

with open("numbers.txt", "w") as f:
    f.writelines(f"{i}\n" for i in range(1, 21))

script = "head -n 3 numbers.txt; tail -n 2 numbers.txt; tail -n +19 numbers.txt | wc -l; wc numbers.txt; head -c 5 numbers.txt | wc -c"
print(subprocess.run(script, shell=True, capture_output=True, text=True).stdout, end="")
print(subprocess.check_output(["env", "-i", "A=1", "B=two words"], text=True), end="")
os.system("env GREETING=hi python3 -c 'import os; print(os.environ[\"GREETING\"])'")
print(os.system("no-such-command"), os.system("env no-such-command") >> 8)
os.system("head -n 1 missing.txt numbers.txt; wc -l missing.txt")
