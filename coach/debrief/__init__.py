"""After a rehearsal: the debrief (feedback with citations), its exports, and progress over time."""
