"""Write synthetic FITS files with astropy covering every feature our reader must support.

usage: fits_astropy_synthetic.py OUTDIR
Prints the JSON list of written file paths. The files are then read back by astropy
(fits_astropy_dump.py) and by our reader, and must agree value for value.
"""
import gzip
import json
import shutil
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261125)
out = sys.argv[1]
written = []


def save(name, hdus):
    path = f"{out}/{name}"
    fits.HDUList(hdus).writeto(path, overwrite=True)
    written.append(path)
    return path


def raw_image(data, kind=fits.ImageHDU, **cards):
    """An image whose header carries scaling cards while the stored integers stay as given."""
    hdu = kind(data=data)
    for key, value in cards.items():
        hdu.header[key] = value
    return hdu


# ---- images: every BITPIX, raw ----
raw = {
    8: rng.integers(0, 256, (3, 4), dtype=np.uint8),
    16: rng.integers(-32768, 32767, (2, 3, 4), dtype=np.int16),
    32: rng.integers(-2**31, 2**31 - 1, (5, 7), dtype=np.int32),
    64: np.array([[2**62 + 1, -(2**62) - 3, 2**53 + 1], [0, -1, 9007199254740993]], dtype=np.int64),
    -32: np.array([[1.5, np.nan, -np.inf], [3.25, 0.0, 1e-30]], dtype=np.float32),
    -64: np.array([np.nan, 1.0 / 3.0, -2.5e300, 7.0], dtype=np.float64),
}
save("images-raw.fits", [fits.PrimaryHDU()] + [fits.ImageHDU(data=a, name=f"BITPIX{b}") for b, a in raw.items()])

# ---- images: BSCALE/BZERO on every BITPIX, BLANK with and without scaling ----
save("images-scaled.fits", [
    raw_image(raw[16], kind=fits.PrimaryHDU, BSCALE=0.5, BZERO=10.0),
    raw_image(raw[8], BSCALE=2.0, BZERO=-1.5),
    raw_image(raw[32], BSCALE=1e-3, BZERO=100.0),
    raw_image(raw[64], BSCALE=0.25, BZERO=1.0),
    raw_image(raw[-32], BSCALE=3.0, BZERO=0.5),
    raw_image(raw[-64], BSCALE=2.0, BZERO=-1.0),
    raw_image(np.array([[1, -32768, 3]], dtype=np.int16), BSCALE=0.1, BZERO=5.0, BLANK=-32768),
    raw_image(np.array([[7, -999, 9]], dtype=np.int32), BLANK=-999),
])

# ---- images: unsigned conventions (astropy writes BZERO itself) ----
save("images-unsigned.fits", [
    fits.PrimaryHDU(),
    fits.ImageHDU(data=np.array([[0, 1, 40000, 65535]], dtype=np.uint16), name="U16"),
    fits.ImageHDU(data=np.array([0, 3_000_000_000, 4294967295], dtype=np.uint32), name="U32"),
    fits.ImageHDU(data=np.array([0, 2**63 + 5, 2**64 - 1], dtype=np.uint64), name="U64"),
    raw_image(np.array([0, 127, 128, 255], dtype=np.uint8), BSCALE=1, BZERO=-128),
])

# ---- binary table: every TFORM code, vectors, TDIM, TNULL, TSCAL/TZERO, P and Q heaps ----
n = 6
columns = [
    fits.Column(name="L", format="L", array=np.array([True, False, True, True, False, False])),
    fits.Column(name="L3", format="3L", array=rng.integers(0, 2, (n, 3)).astype(bool)),
    fits.Column(name="X", format="11X", array=rng.integers(0, 2, (n, 11)).astype(bool)),
    fits.Column(name="B", format="B", array=np.arange(n, dtype=np.uint8) * 40),
    fits.Column(name="I", format="I", array=np.array([-32768, -1, 0, 1, 32767, 12], dtype=np.int16)),
    fits.Column(name="J", format="J", array=np.array([-2**31, -1, 0, 1, 2**31 - 1, -999], dtype=np.int32), null=-999),
    fits.Column(name="K", format="K", array=np.array([2**62 + 1, -(2**53) - 1, 9007199254740993, 0, -1, 2**63 - 1], dtype=np.int64)),
    fits.Column(name="A", format="10A", array=np.array(["alpha", "", "it's", "0123456789", "b c", "z"])),
    fits.Column(name="A3", format="12A", dim="(4,3)", array=np.array([["ab", "cd", "ef"]] * n)),
    fits.Column(name="E", format="E", unit="Angstrom", array=np.array([1.5, np.nan, -np.inf, 3.4e38, 0.0, -0.0], dtype=np.float32)),
    fits.Column(name="D", format="D", array=np.array([np.nan, 1.0 / 3.0, 1e-300, -2.0, 5.0, 6.0])),
    fits.Column(name="C", format="2C", array=(rng.normal(size=(n, 2)) + 1j * rng.normal(size=(n, 2))).astype(np.complex64)),
    fits.Column(name="M", format="M", array=rng.normal(size=n) + 1j * rng.normal(size=n)),
    fits.Column(name="J4", format="4J", array=rng.integers(-1000, 1000, (n, 4)).astype(np.int32)),
    fits.Column(name="D6", format="6D", dim="(3,2)", array=rng.normal(size=(n, 2, 3))),
    fits.Column(name="ISCALED", format="I", array=np.array([0, 1, -30, 190, -10, -7], dtype=np.int16)),
    fits.Column(name="U16", format="I", bzero=32768, array=np.array([0, 1, 40000, 65535, 32768, 7], dtype=np.uint16)),
    fits.Column(name="U32", format="J", bzero=2**31, array=np.array([0, 1, 3_000_000_000, 4294967295, 5, 6], dtype=np.uint32)),
    fits.Column(name="U64", format="K", bzero=2**63, array=np.array([0, 1, 2**63 + 5, 2**64 - 1, 5, 6], dtype=np.uint64)),
    fits.Column(name="PJ", format="PJ()", array=np.array([np.arange(k, dtype=np.int32) * 3 for k in range(n)], dtype=object)),
    fits.Column(name="PE", format="PE()", array=np.array([np.linspace(0, 1, k + 2, dtype=np.float32) for k in range(n)], dtype=object)),
    fits.Column(name="PA", format="PA()", array=np.array(["a", "bcd", "", "hello world", "x", "yz"], dtype=object)),
    fits.Column(name="PB", format="PB()", array=np.array([np.arange(k, dtype=np.uint8) for k in range(n)], dtype=object)),
    fits.Column(name="QD", format="QD()", array=np.array([np.full(k % 3, k / 7.0) for k in range(n)], dtype=object)),
]
table = fits.BinTableHDU.from_columns(columns, name="EVERYTFORM")
assert table.columns.names.index("ISCALED") == 15
# astropy cannot write raw integers under TSCAL/TZERO; placeholder cards get renamed in the bytes below.
table.header["PLACEHC"] = 0.5
table.header["PLACEHD"] = 5.0
# B with TZERO -128 (signed bytes): stored bytes 0..255 read as -128..127.
signed = fits.BinTableHDU.from_columns([fits.Column(name="SB", format="B", array=np.array([0, 1, 127, 128, 200, 255], dtype=np.uint8))], name="SIGNEDBYTE")
# astropy refuses to write TZERO -128 on a B column, so placeholder cards are renamed in the bytes below.
signed.header["PLACEHA"] = 1
signed.header["PLACEHB"] = -128

# ---- header cards: CONTINUE, HIERARCH, big ints, D exponents, complex, undefined, commentary ----
primary = fits.PrimaryHDU()
header = primary.header
# Quotes inside CONTINUE segments are left out: astropy 5.2 cuts such values short at the quote.
header["LONGSTR"] = ("a long string value " * 8 + "and its end", "a long comment")
header["HIERARCH ESO DET CHIP NAME"] = "CCD-42"
header["BIGINT"] = 2**62 + 1
header["NEGBIG"] = -(2**60) - 7
header["SMALLF"] = 1.25e-7
header["LOGIC"] = (False, "a logical")
header["QUOTE"] = "it's"
header["CPLX"] = complex(1.5, -2.0)
header["UNDEF"] = None
header.append(fits.Card.fromstring("DEXP    =             1.5D+03 / a Fortran D exponent"))
header.append(fits.Card.fromstring("INTFLT  =                  12. / a float without decimals"))
header["COMMENT"] = "a comment card"
header["HISTORY"] = "a history card"
header.append(fits.Card("", "a blank-keyword card"))

ascii = fits.TableHDU.from_columns([
    fits.Column(name="NAME", format="A8", array=np.array(["kic1", "kic22", "", "x"])),
    fits.Column(name="N", format="I6", array=np.array([1, -20, 300, 0])),
    fits.Column(name="F", format="F10.4", array=np.array([1.5, -2.25, 1e3, 0.0])),
    fits.Column(name="E", format="E14.6", array=np.array([1.5e-10, -2.0, 3e20, 0.0])),
    fits.Column(name="D", format="D20.12", array=np.array([1.0 / 3.0, -2.0, 3e200, 0.0])),
], name="ASCII")

main = save("tables-and-cards.fits", [primary, table, signed, ascii])
with open(main, "r+b") as handle:
    content = handle.read()
    for placeholder, keyword in [(b"PLACEHA", b"TSCAL1 "), (b"PLACEHB", b"TZERO1 "), (b"PLACEHC", b"TSCAL16"), (b"PLACEHD", b"TZERO16")]:
        content = content.replace(placeholder + b" =", keyword + b" =")
    handle.seek(0)
    handle.write(content)
with open(main, "rb") as source, open(main + ".gz", "wb") as raw_out:
    with gzip.GzipFile(fileobj=raw_out, mode="wb", mtime=0) as target:
        shutil.copyfileobj(source, target)
written.append(main + ".gz")

print(json.dumps(written))
