print("braked")
