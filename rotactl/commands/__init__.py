"""The commands, one module per group; each: parse -> one core call -> one append -> render."""
