// brake-harness: being built.
print("brake-harness: not built yet")
