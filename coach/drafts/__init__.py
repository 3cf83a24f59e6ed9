"""Draft review: a message read sentence by sentence with the same scorer, scored, with the likely reaction and suggestions."""
