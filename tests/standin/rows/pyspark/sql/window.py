from _rows import Window, WindowSpec  # noqa: F401
