"""Workspace views: thin functions that fetch through ``disclosure.permissions``, validate a form, call one
function of ``disclosure.workflow`` and redirect."""
