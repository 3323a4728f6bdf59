"""Pure comparisons of values (distances, websites, départements, place names): used by sync's
rules, the audit and the generated lists' filters, so they sit below all three."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

from wikisync.text import normalise_name

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)

# Département codes and names (metropolitan France, Corsica, overseas).
DEPARTEMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes",
    "09": "Ariège", "10": "Aube", "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône",
    "14": "Calvados", "15": "Cantal", "16": "Charente", "17": "Charente-Maritime",
    "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs",
    "26": "Drôme", "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard",
    "31": "Haute-Garonne", "32": "Gers", "33": "Gironde", "34": "Hérault",
    "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère", "39": "Jura",
    "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne",
    "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche", "51": "Marne", "52": "Haute-Marne",
    "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan",
    "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise", "61": "Orne",
    "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin",
    "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie",
    "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne",
    "83": "Var", "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne",
    "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort", "91": "Essonne",
    "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "976": "Mayotte",
}
_CODE_BY_NAME = {normalise_name(name): code for code, name in DEPARTEMENTS.items()}
_CODE = re.compile(r"(?<![\dA-Za-z])(97[1-6]|2[AaBb]|\d{1,2})(?![\dA-Za-z])")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres between two points in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def coordinates_text(lat: float | None, lon: float | None) -> str | None:
    """``lat, lon`` with at most 6 decimals (about 0.1 m), or None when incomplete."""
    if lat is None or lon is None:
        return None
    return f"{_decimal(lat)}, {_decimal(lon)}"


def _decimal(value: float) -> str:
    """A degree value with at most 6 decimals, no trailing zeros, no ``-0``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def website_key(url: str) -> str:
    """A URL compare key: no scheme, host lower case without ``www.``, no trailing slash."""
    text = url.strip()
    if text.startswith("//"):
        text = "http:" + text
    elif not _SCHEME.match(text):
        text = "http://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return netloc + parts.path.rstrip("/") + query


def same_website(a: str, b: str) -> bool:
    """True when two URLs name the same site page (``http``/``https``, ``www.``, ``/``, case)."""
    return website_key(a) == website_key(b)


def departement_code(value: str) -> str | None:
    """The département code a value names: ``29``, ``Finistère``, ``Finistère (29)``…"""
    key = normalise_name(value)
    if key in _CODE_BY_NAME:
        return _CODE_BY_NAME[key]
    match = _CODE.search(value)
    if match is None:
        return None
    code = match.group(1).upper()
    code = code.zfill(2) if code.isdigit() and len(code) < 3 else code
    return code if code in DEPARTEMENTS else None


def same_departement(a: str, b: str) -> bool:
    """Same département, whether written as a code or a name."""
    code_a, code_b = departement_code(a), departement_code(b)
    if code_a and code_b:
        return code_a == code_b
    return normalise_name(a) == normalise_name(b)


def same_text(a: str, b: str) -> bool:
    """Equal after ``text.normalise_name`` (case, accents, punctuation, apostrophes)."""
    return normalise_name(a) == normalise_name(b)
