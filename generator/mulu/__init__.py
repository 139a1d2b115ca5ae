"""mulu (目录): vocational-skills catalogues kept as code.

Flow, one direction only: files -> ``loading`` -> ``validation`` -> ``registry`` -> render
(``site``, ``downloads``, ``history``).
"""

__version__ = "0.1.0"
