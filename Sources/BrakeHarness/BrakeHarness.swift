// BrakeHarness: real braked processes behind fault-injecting proxies (being built).
