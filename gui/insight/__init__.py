"""Gradient norms, the timeline, lessons and the gradient check: one installer each
(``norms_install``, ``timeline_install``, ``lessons_install``, ``gradcheck_install``)."""
