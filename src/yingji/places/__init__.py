"""places (地名地址): the gazetteer — divisions, townships, roads, landmarks and the platform's points —
with fuzzy Chinese matching, imports (CSV, GeoJSON, OpenStreetMap) and point-in-polygon divisions."""
