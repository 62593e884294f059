"""What the neural augmenters (``gan``, ``dpgan``, ``ddpm``) share: the table encoding their
networks read and write, and torch seeds and devices."""
