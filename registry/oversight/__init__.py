"""Public oversight conclusions: overseers submit, state bodies answer, the clock is public."""
