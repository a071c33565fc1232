// BrakeNet: the mutual-TLS peer transport (being built).
