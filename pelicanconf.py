"""Pelican settings for the Dossier site (read by build.py and by `pelican`)."""

SITENAME = "Dossier: the Bloc of Oppositions"
SITESUBTITLE = "the 1932 bloc and the amalgams of the Moscow trials"
SITEURL = ""
AUTHOR = "The Dossier editors"
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
# The theme ships inside the package (dossier/theme/); a theme/ folder here
# would override single templates and static files (see the README).
THEME_STATIC_DIR = "theme"

# Dossier renders every page itself; the plugin switches Pelican's own
# article and page generators off (see dossier/pelican_plugin.py).
PLUGINS = ["dossier.pelican_plugin"]

JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# The edition a citation of the site names (default: the git tag of the commit
# built, if any), and the repository whose commits a page's history links to.
# EDITION = "first edition"
# REPO_URL = "https://github.com/owner/repository"
