name = input("name? ")
n = int(input())
print(f"hello {name}, {n * 2}")
try:
    input()
except EOFError:
    print("EOF")
