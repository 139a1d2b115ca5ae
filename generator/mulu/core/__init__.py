"""The core: files -> problems | registry.

``kinds`` (what a registry holds), ``loading`` (safe YAML with positions), ``schemas``
(JSON Schema reading, the one walker, Chinese messages), ``rules`` (domain checks),
``creditcode``, ``reference`` (code lists), ``validation`` and ``registry``, and
``problems`` (the one report path). Nothing here imports from the other subpackages.
"""
