"""Excel in and out: complaints imported in batches, the ledger (台账) and the half-year report exported."""
