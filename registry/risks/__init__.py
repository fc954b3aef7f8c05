"""Risk indicators computed from the ledger's facts, each explaining itself."""
