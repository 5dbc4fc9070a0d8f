"""Seed 001 (Seleznova & Kutyniok, "Analyzing Finite Neural Networks: Can We Trust NTK
Theory?"): where in (sigma_w^2, sigma_b^2, depth, width) the finite-width NTK is nearly
deterministic at initialisation, and where it stays constant in training.

- :mod:`.settings`: the config's grid as sampling jobs, and the config fields each job
  depends on (plain data, no JAX: Snakemake imports it when it parses);
- :mod:`.sampling`: K(x, x) of every cell of one job (the Monte-Carlo samplers of
  :mod:`finite_ntk.samplers`, kernel only);
- :mod:`.reduction`: R = E[K^2] / E[K]^2 with bootstrap intervals and saturation flags,
  beside mean-field theory's border, chi_1 and infinite-width NTK (:mod:`finite_ntk.mean_field`);
- :mod:`.kappa`: Lemma 2's kappa_1 and kappa_2 against depth (Figures 5, 6);
- :mod:`.data`: the training samples (MNIST from IDX files, or scikit-learn's digits as the
  offline substitute);
- :mod:`.training`: full-batch gradient descent with the paper's protocol and the exact NTK
  matrix on the training set;
- :mod:`.training_grid`: one training job per (activation, width, depth) and the
  statistics of Figures 3, 4 and 8-11.
"""
