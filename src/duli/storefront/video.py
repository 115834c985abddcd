"""Turn a merchant's YouTube or Vimeo link into a privacy-friendly embed address."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_VIMEO_ID = re.compile(r"^\d{4,12}$")


def video_embed_url(url: str) -> str:
    """The embed URL for a YouTube (no-cookie domain) or Vimeo (do-not-track) video,
    or "" for anything else, so an unknown host is never framed."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return ""
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = [p for p in parts.path.split("/") if p]
    video_id = ""
    if host in ("youtube.com", "youtube-nocookie.com", "music.youtube.com"):
        if path[:1] == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(path) >= 2 and path[0] in ("embed", "shorts", "live", "v"):
            video_id = path[1]
    elif host == "youtu.be" and path:
        video_id = path[0]
    if video_id:
        return (
            f"https://www.youtube-nocookie.com/embed/{video_id}?rel=0"
            if _YOUTUBE_ID.match(video_id)
            else ""
        )
    if host in ("vimeo.com", "player.vimeo.com"):
        candidates = [p for p in path if _VIMEO_ID.match(p)]
        if candidates:
            return f"https://player.vimeo.com/video/{candidates[0]}?dnt=1"
    return ""
