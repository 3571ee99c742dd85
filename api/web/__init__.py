"""The web pages for judges and investigators: server-rendered Jinja2 (autoescape on), Chinese UI.

:mod:`api.web.pages` holds the routes (mounted under ``/web`` by the app, like the API's route
modules), :mod:`api.web.support` the page machinery: templates, the login cookie with its CSRF
token, HTML answers for 401/403/404/422. Pages call the same library functions as the JSON API
and record the same audit events.
"""
