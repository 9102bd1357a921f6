"""The course-compatible function API: the assignments' names, arguments and random numbers.

Each module is a thin layer over chainrule's core (one implementation of each formula):
``week3`` (one hidden layer, planar data), ``week4`` (L layers, step by step), ``week4_app``
(the cat vs non-cat application). They use NumPy's legacy global generator
(``np.random.seed``) exactly as the course does, so that its published numbers reproduce.
"""
