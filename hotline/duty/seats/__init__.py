"""Seats 坐席: who sits where this shift, and whether they are ready, busy or away."""
