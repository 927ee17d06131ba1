"""Settings of this reference work (read by `dossier build`)."""

SITENAME = "{{title}}"
SITESUBTITLE = ""
SITEURL = ""  # or give the address on the command line: dossier build --site-url https://example.org/site
AUTHOR = "The editors"
DEFAULT_LANG = "en"
TIMEZONE = "UTC"

PATH = "content"
THEME_STATIC_DIR = "theme"

# Dossier renders every page itself; plain `pelican` is refused.
PLUGINS = ["dossier.pelican_plugin"]

JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# The edition a citation of the site names (default: the git tag built, if any),
# and the repository whose commits a page's history links to.
# EDITION = "first edition"
# REPO_URL = "https://github.com/owner/repository"
