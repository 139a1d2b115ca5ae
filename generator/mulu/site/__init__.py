"""Rendering the registry into a site, independent of the site engine.

Providers turn a :class:`~mulu.core.registry.Registry` into :class:`~mulu.site.model.Page` and
:class:`~mulu.site.model.DataFile` objects; an engine adapter (``mulu.mkdocs_plugin``) only
places them into the theme. Nothing in this package reads registry files.
"""
