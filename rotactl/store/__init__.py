"""The ledger store: files, lock, hash chain, checkpoints, codecs, the derived index, checks."""
