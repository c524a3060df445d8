"""Dump FITS files with astropy as JSON, the reference for our FITS reader's parity tests.

usage: fits_astropy_dump.py OUTDIR FILE...
Writes OUTDIR/<k>.json for the k-th FILE (0-based). Arrays are base64 of little-endian bytes
with their numpy dtype; header values are [type, value] pairs so ints beyond 2**53 and
non-finite floats survive JSON. A file astropy cannot open gets {"error": message}.
"""
import base64
import json
import math
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.io.fits.column import _FormatP

warnings.simplefilter("ignore")


def header_value(value):
    if isinstance(value, (bool, np.bool_)):
        return ["b", bool(value)]
    if isinstance(value, (int, np.integer)):
        return ["i", str(int(value))]
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return ["f", value if math.isfinite(value) else repr(value)]
    if isinstance(value, (complex, np.complexfloating)):
        return ["c", [value.real, value.imag]]
    if isinstance(value, str):
        return ["s", value]
    return ["u", None]  # astropy's Undefined


def card_entry(card):
    try:
        value = card.value
    except fits.VerifyError:
        # Non-standard value (e.g. a bare NAN): astropy's own fix turns it into a string.
        card.verify("silentfix")
        value = card.value
    return [card.keyword, header_value(value), card.comment]


def array_blob(array):
    array = np.ascontiguousarray(array)
    if array.dtype.kind == "c":
        dtype = "float32" if array.dtype.itemsize == 8 else "float64"
        flat = array.reshape(-1).astype("<c8" if dtype == "float32" else "<c16")
        data = flat.view("<f4" if dtype == "float32" else "<f8")  # interleaved re, im
    elif array.dtype.kind == "b":
        dtype = "bool"
        data = array.reshape(-1).astype("u1")
    else:
        dtype = array.dtype.newbyteorder("=").name
        data = array.reshape(-1).astype(array.dtype.newbyteorder("<"))
    return {"dtype": dtype, "shape": list(array.shape), "b64": base64.b64encode(data.tobytes()).decode("ascii")}


def strings(array):
    # astropy's chararray shows string cells with trailing blanks removed; so compare those.
    flat = np.char.rstrip(np.asarray(array)).reshape(-1).tolist()
    return [s.decode("latin1") if isinstance(s, bytes) else str(s) for s in flat]


def ascii_blank_mask(hdu, index, column):
    raw = np.recarray.field(hdu.data, index)
    stripped = np.char.strip(raw)
    mask = stripped == b""
    if column.null is not None:
        mask |= stripped == str(column.null).strip().encode("ascii")
    return [int(v) for v in mask.reshape(-1).tolist()]


def dump_column(hdu, index, column):
    field = hdu.data.field(index)
    out = {"name": column.name, "format": str(column.format)}
    if isinstance(column.format, _FormatP) or "P" in str(column.format)[:3] or "Q" in str(column.format)[:3]:
        rows = []
        for cell in field:
            if isinstance(cell, (str, bytes)) or (hasattr(cell, "dtype") and cell.dtype.kind in "SU"):
                # astropy gives a PA cell as an array of single characters; we give the joined string.
                chars = np.asarray(cell).reshape(-1).tolist()
                text = "".join(c.decode("latin1") if isinstance(c, bytes) else str(c) for c in chars)
                rows.append({"string": text.rstrip(" \x00")})
            else:
                rows.append(array_blob(np.asarray(cell)))
        out["rows"] = rows
    elif field.dtype.kind in "SU":
        out["strings"] = strings(field)
    else:
        out["array"] = array_blob(field)
    if isinstance(hdu, fits.TableHDU) and column.format[0] != "A":
        out["blank"] = ascii_blank_mask(hdu, index, column)
    return out


def dump_file(path):
    result = {"path": path, "hdus": []}
    with fits.open(path, memmap=False) as hdul:
        for hdu in hdul:
            entry = {
                "type": type(hdu).__name__,
                "name": hdu.name,
                "cards": [card_entry(card) for card in hdu.header.cards],
            }
            if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
                entry["nrows"] = len(hdu.data) if hdu.data is not None else 0
                entry["columns"] = [dump_column(hdu, i, c) for i, c in enumerate(hdu.columns)] if hdu.data is not None else []
            else:
                entry["image"] = None if hdu.data is None else array_blob(hdu.data)
            result["hdus"].append(entry)
    return result


def main():
    outdir, files = sys.argv[1], sys.argv[2:]
    for k, path in enumerate(files):
        try:
            result = dump_file(path)
        except Exception as error:  # reported to the test, which decides
            result = {"path": path, "error": f"{type(error).__name__}: {error}"}
        with open(f"{outdir}/{k}.json", "w") as handle:
            json.dump(result, handle)


if __name__ == "__main__":
    main()
