"""Contingency plans (应急预案): the 1+N+X plan library, structured content, lifecycle and versions,
activation into a task board, drills and their findings, Word/Excel import."""
