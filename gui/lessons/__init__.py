"""Lessons: Help → Examples, the Lesson dock, lesson files and the hold on controls while a lesson
runs."""
