extension Amendment {
    /// The fields a co-signer must read, labelled and escaped for display (`DisplayText.escaped`):
    /// federation, the charter amended, the next charter's id, reason (quoted), proposer, created,
    /// expires. What the next charter changes is `CharterDifference`, which `brakectl sign` shows too.
    public var displayFields: [(label: String, value: String)] {
        [
            ("federation", DisplayText.escaped(federation)),
            ("amends", DisplayText.escaped(amends)),
            ("charter", charter.id),
            ("reason", DisplayText.quoted(reason)),
            ("proposer", DisplayText.escaped(proposer)),
            ("created", RFC3339.format(created)),
            ("expires", RFC3339.format(expires)),
        ]
    }
}
