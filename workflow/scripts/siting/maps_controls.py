"""Map-wide controls that folium lacks: title and synthetic-data banner, legend panel, search, base filter,
data attributions. Each is a small folium ``MacroElement`` whose JS runs only against Leaflet and the
bundled plugins (see :mod:`siting.assets`)."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import ClassVar

from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from siting.maps_layers import SearchEntry

PAGE_CSS = """
<style>
  .leaflet-container { background: #dfe6ec; font-size: 12px; }
  .leaflet-control-layers label, .leaflet-control-layers { font-size: 12px; line-height: 1.35; }
  .leaflet-control-layers-expanded { max-height: 60vh; overflow-y: auto; }
  .sl-title { position: fixed; top: 10px; left: 42%; transform: translateX(-50%); z-index: 1000;
    background: rgba(255,255,255,0.92); padding: 6px 14px; border-radius: 6px; font: 600 15px/1.3 sans-serif;
    box-shadow: 0 1px 5px rgba(0,0,0,0.3); text-align: center; pointer-events: none; }
  .sl-title .sl-sub { font-weight: 400; font-size: 12px; color: #444; }
  .sl-banner { position: fixed; bottom: 28px; left: 50%; transform: translateX(-50%); z-index: 1000;
    background: #b30000; color: #fff; padding: 5px 14px; border-radius: 4px; font: 700 13px/1.3 sans-serif;
    box-shadow: 0 1px 5px rgba(0,0,0,0.4); pointer-events: none; text-align: center; }
  .sl-legend { background: rgba(255,255,255,0.94); padding: 6px 9px; border-radius: 5px; max-height: 55vh;
    overflow-y: auto; font: 12px/1.35 sans-serif; box-shadow: 0 1px 5px rgba(0,0,0,0.4); min-width: 190px;
    max-width: 330px; }
  .sl-legend-block { margin: 2px 0 7px 0; }
  .sl-legend .sl-title { position: static; transform: none; box-shadow: none; padding: 0; background: none;
    font: 600 12px/1.3 sans-serif; text-align: left; }
  .sl-legend .sl-unit { font-weight: 400; color: #555; }
  .sl-row { display: flex; align-items: center; gap: 6px; }
  .sl-swatch { display: inline-block; width: 14px; height: 12px; border: 1px solid #666; }
  .sl-bar { height: 12px; border: 1px solid #666; margin-top: 3px; }
  .sl-ticks { display: flex; justify-content: space-between; font-size: 11px; }
  .sl-note { font-size: 10.5px; color: #555; max-width: 230px; }
  .sl-label { font: 600 12px/1.2 sans-serif; color: #222; white-space: nowrap;
    transform: translate(-50%, -50%); text-shadow: 0 0 3px #fff, 0 0 3px #fff;
    pointer-events: none; }
  .sl-label-icon { background: none; border: none; }
  .sl-raster { image-rendering: pixelated; }
  .sl-filter { background: rgba(255,255,255,0.94); padding: 5px 8px; border-radius: 5px;
    font: 12px sans-serif; box-shadow: 0 1px 5px rgba(0,0,0,0.4); }
  .sl-filter select { max-width: 200px; font-size: 12px; }
  .leaflet-control-attribution { max-width: 55vw; font-size: 10px; }
  .sl-popup table { font-size: 12px; }
</style>
"""


def page_style() -> Element:
    """The CSS of the map page (background colour shown when no tile loads, legend, labels, banner)."""
    return Element(PAGE_CSS)


class TitleBanner(MacroElement):
    """A fixed title (中文 / English) and, for synthetic inputs, a fixed red banner saying so."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="sl-title" id="sl-title">{{ this.title_zh }}<br>
        <span class="sl-sub">{{ this.title_en }}</span>
        {%- if this.synthetic %}<br><span class="sl-sub" style="color:#b30000;font-weight:700">
        合成演示数据 · SYNTHETIC DEMO DATA</span>{% endif %}</div>
        {%- if this.synthetic %}
        <div class="sl-banner" id="sl-synthetic-banner">合成演示数据，非真实结果 ·
        SYNTHETIC DEMO DATA ({{ this.data_basis }}) — not real results</div>
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, title_zh: str, title_en: str, *, data_basis: str, synthetic: bool) -> None:
        super().__init__()
        self._name = "TitleBanner"
        self.title_zh = html.escape(title_zh)
        self.title_en = html.escape(title_en)
        self.data_basis = html.escape(data_basis)
        self.synthetic = synthetic


class LegendPanel(MacroElement):
    """A Leaflet control listing the legends; each block shows only while one of its layers is on."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var blocks = {{ this.blocks_json }};
            var control = L.control({position: 'bottomright'});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', 'sl-legend');
                div.id = 'sl-legend';
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                blocks.forEach(function(b, i) {
                    var el = L.DomUtil.create('div', 'sl-legend-block', div);
                    el.id = 'sl-legend-' + i;
                    el.innerHTML = b.html;
                });
                return div;
            };
            control.addTo(map);
            var layers = {
            {%- for names in this.layer_names %}
                {{ loop.index0 }}: [{{ names|join(', ') }}],
            {%- endfor %}
            };
            function refresh() {
                var any = false;
                blocks.forEach(function(b, i) {
                    var on = layers[i].some(function(l) { return map.hasLayer(l); });
                    document.getElementById('sl-legend-' + i).style.display = on ? '' : 'none';
                    any = any || on;
                });
                document.getElementById('sl-legend').style.display = any ? '' : 'none';
            }
            map.on('overlayadd overlayremove layeradd layerremove', refresh);
            refresh();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, legends: Sequence[tuple[str, list[str]]]) -> None:
        super().__init__()
        self._name = "LegendPanel"
        self.blocks_json = json.dumps([{"html": h} for h, _ in legends], ensure_ascii=False).replace(
            "</", "<\\/"
        )
        self.layer_names = [names for _, names in legends]


class SearchControl(JSCSSMixin, MacroElement):
    """Search by label (site id, county name) with leaflet-search over an invisible index layer.

    leaflet-search adds the layer it searches to the map, so it gets its own layer of invisible markers
    (one per entry, carrying the label and the box to zoom to) instead of the visible layers, which stay
    under the layer control's command.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var entries = {{ this.entries_json }};
            var index = L.layerGroup();
            entries.forEach(function(e) {
                L.circleMarker([e[1], e[2]], {radius: 0, stroke: false, fill: false, interactive: false,
                    search: e[0], box: [[e[3], e[4]], [e[5], e[6]]]}).addTo(index);
            });
            var control = new L.Control.Search({
                layer: index, propertyName: 'search', marker: false, initial: false, collapsed: true,
                position: 'topleft', textPlaceholder: {{ this.placeholder|tojson }},
                textErr: {{ this.not_found|tojson }},
                moveToLocation: function(latlng, title, map) {
                    map.fitBounds(latlng.layer.options.box, {maxZoom: 13});
                }
            });
            map.addControl(control);
        })();
        {% endmacro %}
        """
    )
    default_js: ClassVar[list[tuple[str, str]]] = [
        ("Leaflet.Search.js", "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.js")
    ]
    default_css: ClassVar[list[tuple[str, str]]] = [
        (
            "Leaflet.Search.css",
            "https://cdn.jsdelivr.net/npm/leaflet-search@2.9.7/dist/leaflet-search.min.css",
        )
    ]

    def __init__(
        self,
        entries: Sequence[SearchEntry],
        *,
        placeholder: str = "搜索 Search: 场址编号 site id / 县 county",
    ) -> None:
        super().__init__()
        self._name = "SearchControl"
        rows = [
            [e.label, round(e.lat, 5), round(e.lon, 5), *(round(v, 5) for v in e.bounds)] for e in entries
        ]
        self.entries_json = json.dumps(rows, ensure_ascii=False).replace("</", "<\\/")
        self.placeholder = placeholder
        self.not_found = "未找到 Not found"


class BaseFilter(MacroElement):
    """A select box that shows the site groups of one base (or all); the layer control follows it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var groups = [
            {%- for key, label, name in this.groups %}
                {key: {{ key|tojson }}, layer: {{ name }}},
            {%- endfor %}
            ];
            var options = {{ this.options_json }};
            var control = L.control({position: 'topright'});
            control.onAdd = function() {
                var div = L.DomUtil.create('div', 'sl-filter');
                L.DomEvent.disableClickPropagation(div);
                var html = '<label for="sl-base-filter">基地筛选 Base filter </label>' +
                    '<select id="sl-base-filter"><option value="__all__">全部 All</option>';
                options.forEach(function(o) {
                    var opt = document.createElement('option');
                    opt.value = o[0]; opt.textContent = o[1];
                    html += opt.outerHTML;
                });
                div.innerHTML = html + '</select>';
                div.querySelector('select').addEventListener('change', function(ev) {
                    var v = ev.target.value;
                    groups.forEach(function(g) {
                        if (v === '__all__' || g.key === v) { map.addLayer(g.layer); }
                        else { map.removeLayer(g.layer); }
                    });
                });
                return div;
            };
            control.addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, groups: Sequence[tuple[str, str, str]]) -> None:
        super().__init__()
        self._name = "BaseFilter"
        self.groups = list(groups)
        options = list(dict.fromkeys((key, label) for key, label, _ in groups))
        self.options_json = json.dumps(
            [[k, label if k else "基地外 outside bases"] for k, label in options], ensure_ascii=False
        ).replace("</", "<\\/")


class Attributions(MacroElement):
    """Adds the data sources' attribution strings to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {%- for text in this.texts %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ text|tojson }});
        {%- endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, texts: Sequence[str]) -> None:
        super().__init__()
        self._name = "Attributions"
        self.texts = [html.escape(t) for t in texts]
