"""Where the site is published, so that citations, canonical links and handouts name the real address.

In order: the SITE_URL variable (CI sets it); else the address written in mkdocs.yml as the default of
``site_url: !ENV [SITE_URL, "…"]``; else the GitHub Pages address of the git remote ``origin``
(``https://<owner>.github.io/<repo>/``). Where none is known the answer is None: the build says so once,
and pages carry no address rather than a made-up one. A placeholder (an example.* or .invalid host)
counts as none, so it can never reach a page.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_CONFIGURED = re.compile(r'^site_url:\s*!ENV\s*\[\s*SITE_URL\s*,\s*"([^"]*)"\s*\]', re.MULTILINE)
_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"(?P<owner>[A-Za-z0-9-]+)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")
_PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(org|com|net)|invalid|test|localhost)$")


@dataclass(frozen=True)
class Address:
    url: str | None   # with a trailing slash, or None where unknown
    origin: str       # where it came from: "SITE_URL", "mkdocs.yml", "git remote" or "none"


def usable(url: str) -> str | None:
    """``url`` with a trailing slash if it is a real http(s) address, else None."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        return None
    if _PLACEHOLDER_HOSTS.search(parts.hostname) or re.search(r"[\s\"'<>\\]", url):
        return None
    return url if url.endswith("/") else url + "/"


def configured(root: Path) -> str:
    """The default address written in mkdocs.yml (empty when none is)."""
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        return ""
    match = _CONFIGURED.search(text)
    return match.group(1) if match else ""


def pages_address(remote: str) -> str | None:
    """The GitHub Pages address of a GitHub remote URL, or None for another host."""
    match = _GITHUB.match(remote.strip())
    if not match:
        return None
    owner, repo = match["owner"], match["repo"]
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def git_remote(root: Path) -> str:
    try:
        return subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=root, capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return ""


def resolve(root: Path) -> Address:
    env = os.environ.get("SITE_URL", "").strip()
    if env:
        return Address(usable(env), "SITE_URL")
    written = configured(root)
    if written:
        return Address(usable(written), "mkdocs.yml")
    remote = pages_address(git_remote(root))
    if remote:
        return Address(usable(remote), "git remote")
    return Address(None, "none")


def site_url(root: Path) -> str | None:
    return resolve(root).url


def warning(address: Address) -> str | None:
    """What the build says about the address, or None when a real one is known."""
    if address.url:
        return None
    if address.origin == "none":
        return ("The site's address is not known (no SITE_URL, no address in mkdocs.yml, no GitHub remote): "
                "citations and handouts carry no address. Set SITE_URL=https://… to publish.")
    return (f"The site's address from {address.origin} is not a published http(s) address (a placeholder?): "
            f"citations and handouts carry no address. Set SITE_URL=https://… to publish.")
