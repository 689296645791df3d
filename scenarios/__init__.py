"""groupsim's bundled scenarios, rulesets, presets, sweeps and portfolios (YAML files, shipped as package data).

This folder is the source: edit the YAML files here. It is a package only so
that an installed groupsim (a wheel, not just a checkout) carries the files
and finds them with :mod:`importlib.resources`: ``groupsim run
new_customer_well_run`` by name, ``ruleset: basic`` in a scenario. Holds no code.
"""
