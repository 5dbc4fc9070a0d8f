"""Plotting primitives shared by the papers: ``style`` (colours, rcParams and reproducible
PDF/PNG writing with ``style.save_figure``). Each paper draws its own figures with them:
``finite_ntk.papers.seed000.monte_carlo_plots``, ``finite_ntk.papers.seed000.training_plots``,
``finite_ntk.papers.seed001.plots``, ``finite_ntk.papers.seed002.plots``.
"""
