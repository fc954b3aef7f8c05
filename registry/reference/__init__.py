"""Reference data and the pure rules built on it: identifiers, regions, money and text."""
