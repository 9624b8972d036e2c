"""Reading back what a generated PDF shows."""

from __future__ import annotations

import base64
import re
import zlib


def page_text(pdf: bytes) -> str:
    """The page content streams, unpacked (reportlab writes them ASCII85 over Flate).

    Text is as the PDF shows it in WinAnsi: "€" is the escape \\200 and a no-break space a space.
    """
    streams = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL)
    return "".join(
        zlib.decompress(base64.a85decode(s.strip(), adobe=True)).decode("latin-1") for s in streams
    )


def shown(text: str) -> str:
    return text.replace("€", "\\200").replace("\xa0", " ")
