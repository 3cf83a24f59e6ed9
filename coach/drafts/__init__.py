"""Draft review: a message read sentence by sentence, scored against the playbook, with the likely reaction and suggestions."""
