print("brakectl")
