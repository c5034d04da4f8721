"""Offline JS/CSS for the maps: find the library files installed from the npm registry and inline them.

Folium's templates point ``<script src>`` and ``<link href>`` at CDNs. A planner opens the maps without a
network, so :func:`inline_assets` replaces every such reference with the library file itself, taken from
``envs/node_modules`` (installed by ``npm ci --prefix envs`` from the committed, pinned
``envs/package.json`` / ``package-lock.json``). Images that a stylesheet references (Leaflet's layer
icon, the measure and search icons) become ``data:`` URIs.

The versions pinned in ``envs/package.json`` are the versions folium 0.20 references, so each plugin
template runs against the code it was written for. A reference this module does not know is an error
naming the URL and what to do, never a silent CDN link.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from siting.errors import InputError

NODE_MODULES_ENV = "SITING_NODE_MODULES"
"""Environment variable that overrides where the npm packages are installed."""


class AssetError(InputError):
    """A JS/CSS file a map needs is not installed, or a map references a file this module does not know."""


@dataclass(frozen=True)
class Asset:
    """One library file from an npm package."""

    package: str
    version: str
    file: str

    @property
    def kind(self) -> str:
        """``js`` or ``css``."""
        return "css" if self.file.endswith(".css") else "js"


# Every CDN URL that the maps' folium elements reference, and the npm file that replaces it.
URL_ASSETS: dict[str, Asset] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": Asset(
        "leaflet", "1.9.3", "dist/leaflet.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": Asset(
        "leaflet", "1.9.3", "dist/leaflet.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": Asset("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": Asset(
        "leaflet.fullscreen", "3.0.0", "Control.FullScreen.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": Asset(
        "leaflet.fullscreen", "3.0.0", "Control.FullScreen.css"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.js": Asset(
        "leaflet-measure", "2.1.7", "dist/leaflet-measure.min.js"
    ),
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css": Asset(
        "leaflet-measure", "2.1.7", "dist/leaflet-measure.css"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js": Asset(
        "leaflet-search", "2.9.7", "dist/leaflet-search.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css": Asset(
        "leaflet-search", "2.9.7", "dist/leaflet-search.min.css"
    ),
}

UNUSED_FOLIUM_DEFAULTS = frozenset(
    {
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
"""Names in ``folium.Map.default_js/default_css`` the maps do not use (icon markers, Bootstrap): dropped
before rendering rather than inlined (~400 kB and web fonts saved)."""

_TAG = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*(['\"])(?P<src>[^'\"]+)\1[^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref\s*=\s*(['\"])(?P<href>[^'\"]+)\3[^>]*/?>",
    re.IGNORECASE,
)
_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>[^'\")]+)\1\s*\)")
_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)
_CLOSE_STYLE = re.compile(r"</(style)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//", re.IGNORECASE)


def node_modules_dir() -> Path:
    """Where the npm packages are installed: ``$SITING_NODE_MODULES`` or ``<repo>/envs/node_modules``."""
    if os.environ.get(NODE_MODULES_ENV):
        return Path(os.environ[NODE_MODULES_ENV])
    return Path(__file__).resolve().parents[3] / "envs" / "node_modules"


@cache
def _installed_version(root: Path, package: str) -> str:
    manifest = root / package / "package.json"
    if not manifest.exists():
        raise AssetError(
            f"npm package {package!r} is not installed in {root}; run `npm ci --prefix envs` "
            f"(or set {NODE_MODULES_ENV} to a node_modules folder that has it)"
        )
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def asset_path(asset: Asset, *, root: Path | None = None) -> Path:
    """Path of an asset's file; raises :class:`AssetError` when missing or of another version."""
    root = root or node_modules_dir()
    version = _installed_version(root, asset.package)
    if version != asset.version:
        raise AssetError(
            f"npm package {asset.package} is {version} in {root}, the maps need {asset.version} "
            "(pinned in envs/package.json); run `npm ci --prefix envs`"
        )
    path = root / asset.package / asset.file
    if not path.exists():
        raise AssetError(f"{path} is missing from npm package {asset.package}; run `npm ci --prefix envs`")
    return path


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css_urls(css: str, css_path: Path) -> str:
    """Replace ``url(relative)`` in a stylesheet with ``data:`` URIs of the files beside it."""

    def repl(match: re.Match) -> str:
        url = match.group("url").strip()
        if url.startswith(("data:", "#")):
            return match.group(0)
        if _EXTERNAL.match(url):
            raise AssetError(f"{css_path} references {url}; the maps must not load anything over the network")
        target = (css_path.parent / url.split("?")[0].split("#")[0]).resolve()
        if not target.exists():
            raise AssetError(f"{css_path} references {url}, not found at {target}")
        return f'url("{_data_uri(target)}")'

    return _CSS_URL.sub(repl, css)


@cache
def _inline_tag(url: str, root: Path) -> str:
    asset = URL_ASSETS[url]
    path = asset_path(asset, root=root)
    text = path.read_text(encoding="utf-8")
    label = f"{asset.package}@{asset.version}/{asset.file} (npm, inlined)"
    if asset.kind == "css":
        text = _CLOSE_STYLE.sub(r"<\\/\1", _inline_css_urls(text, path))
        return f"<style>/* {label} */\n{text}\n</style>"
    text = _CLOSE_SCRIPT.sub(r"<\\/\1", text)
    return f"<script>/* {label} */\n{text}\n</script>"


def inline_assets(html: str, *, root: Path | None = None) -> str:
    """Replace every external ``<script src>`` / ``<link href>`` in ``html`` with the inlined library file.

    Parameters
    ----------
    html : str
        A rendered page (e.g. ``folium.Map.get_root().render()``).
    root : Path, optional
        The ``node_modules`` folder; default :func:`node_modules_dir`.

    Returns
    -------
    str
        The page with no external script or stylesheet references.

    Raises
    ------
    AssetError
        A reference is not in :data:`URL_ASSETS`, or its npm package is missing or of another version.
    """
    root = (root or node_modules_dir()).resolve()
    unknown: list[str] = []

    def repl(match: re.Match) -> str:
        url = match.group("src") or match.group("href")
        if not _EXTERNAL.match(url):
            return match.group(0)
        if url not in URL_ASSETS:
            unknown.append(url)
            return match.group(0)
        return _inline_tag(url, root)

    out = _TAG.sub(repl, html)
    if unknown:
        raise AssetError(
            f"the map references {unknown}, which siting.assets does not bundle; add the npm package to "
            "envs/package.json and the URL to siting.assets.URL_ASSETS, or drop the element that needs it"
        )
    return out


def external_references(html: str) -> list[str]:
    """External (``http(s)://``, ``//``) URLs loaded by ``<script src>``, ``<link href>`` or CSS ``@import``.

    Tile URL templates and attribution links are not loads of this kind and are not reported.
    """
    refs = [
        url
        for m in _TAG.finditer(html)
        if (url := m.group("src") or m.group("href")) and _EXTERNAL.match(url)
    ]
    refs += [m.group(0) for m in _CSS_IMPORT.finditer(html)]
    return refs
