from _rows import Window, WindowSpec

__all__ = ["Window", "WindowSpec"]
