"""The numeric core: pure Python on numpy/scipy. Never imports Django or any accord app."""
