"""The networks and problems of the papers: ``spec`` (``NetworkSpec``, plain data),
``networks`` (stax builders, empirical and infinite-width NTK functions), ``kernels``
(K(x,x) as a squared gradient norm), ``pinn`` (Laplacian operators, K_uu, K_rr) and
``problems`` (the sine target, the 2D Poisson problem).

Import the modules themselves: this package imports nothing, so that ``spec`` stays
usable without JAX.
"""
