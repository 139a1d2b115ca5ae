"""Git -> record changes: ``git`` (the one subprocess wrapper), ``diff`` (semantic diff of
two versions of a record), ``log`` (first-parent history grouped by notice), ``compare``
(``mulu diff``) and ``words`` (the Chinese wording of changes). Depends on ``core`` only.
"""
