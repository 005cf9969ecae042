"""sin, cos and log rounded as JavaScript engines round them (fdlibm), for TFP's exact data.

Python's `math` calls the C library (glibc rounds sin, cos and log nearly always correctly);
V8 (Chrome, node) computes ``Math.sin``, ``Math.cos`` and ``Math.log`` with fdlibm 5.3's
algorithms (Sun Microsystems, www.netlib.org/fdlibm: k_sin.c, k_cos.c, e_rem_pio2.c, e_log.c).
Their last bits differ for a few arguments in a hundred; both stay within an ulp of the true
value, so only bit-exact agreement with the page needs these. The functions here give node's
result for every argument tried: about 185,000 each, from subnormal numbers to 8·10^5 for sin
and cos and to 10^304 for log (tests/test_playground_tfp_data.py repeats it on 20,000 of
them). A browser whose engine calls the system's C library may differ from TFP in Chrome by
those ulps.

Only what TFP's generators reach is here: sin and cos of finite numbers below 2^19·π/2 in
magnitude (TFP's angles stay below 15), and log of non-negative numbers.
"""

# Ported from fdlibm 5.3 (k_sin.c, k_cos.c, e_rem_pio2.c, e_log.c):
#   Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#   Developed at SunPro, a Sun Microsystems, Inc. business.
#   Permission to use, copy, modify, and distribute this software is freely granted,
#   provided that this notice is preserved.

from __future__ import annotations

import math
import struct

# fdlibm's constants, as published (k_sin.c, k_cos.c, e_rem_pio2.c, e_log.c)
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11
_INVPIO2 = 6.36619772367581382433e-01
_PIO2_1, _PIO2_1T = 1.57079632673412561417e00, 6.07710050650619224932e-11
_PIO2_2, _PIO2_2T = 6.07710050630396597660e-11, 2.02226624879595063154e-21
_PIO2_3, _PIO2_3T = 2.02226624871116645580e-21, 8.47842766036889956997e-32
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_LG1, _LG2, _LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
_LG4, _LG5, _LG6 = 2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
# npio2_hw: the high words of n·π/2 for n = 1..32 (e_rem_pio2.c)
_NPIO2_HW = (
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB,
    0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB,
    0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C,
    0x4041475C, 0x4042106C, 0x4042D97C, 0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB,
    0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
)  # fmt: skip


def _high(x: float) -> int:
    """The signed high 32 bits of a double."""
    high = struct.unpack("<Q", struct.pack("<d", x))[0] >> 32
    return high - (1 << 32) if high & 0x80000000 else high


def _with_high(x: float, high: int) -> float:
    """`x` with its high 32 bits replaced."""
    low = struct.unpack("<Q", struct.pack("<d", x))[0] & 0xFFFFFFFF
    return struct.unpack("<d", struct.pack("<Q", ((high & 0xFFFFFFFF) << 32) | low))[0]


def _from_words(high: int, low: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", ((high & 0xFFFFFFFF) << 32) | low))[0]


def _kernel_sin(x: float, y: float, iy: int) -> float:
    if (_high(x) & 0x7FFFFFFF) < 0x3E400000 and int(x) == 0:
        return x
    z = x * x
    v = z * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    if iy == 0:
        return x + v * (_S1 + z * r)
    return x - ((z * (0.5 * y - v * r) - y) - v * _S1)


def _kernel_cos(x: float, y: float) -> float:
    ix = _high(x) & 0x7FFFFFFF
    if ix < 0x3E400000 and int(x) == 0:
        return 1.0
    z = x * x
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    if ix < 0x3FD33333:
        return 1.0 - (0.5 * z - (z * r - x * y))
    qx = 0.28125 if ix > 0x3FE90000 else _from_words(ix - 0x00200000, 0)
    hz = 0.5 * z - qx
    a = 1.0 - qx
    return a - (hz - (z * r - x * y))


def _rem_pio2(x: float) -> tuple[int, float, float]:
    """x = n·π/2 + (y0 + y1), for |x| up to 2^19·π/2 (fdlibm's small and medium cases)."""
    hx = _high(x)
    ix = hx & 0x7FFFFFFF
    if ix <= 0x3FE921FB:
        return 0, x, 0.0
    if ix < 0x4002D97C:  # |x| < 3π/4: n = ±1
        sign = 1.0 if hx > 0 else -1.0
        z = x - sign * _PIO2_1
        if ix != 0x3FF921FB:
            y0 = z - sign * _PIO2_1T
            return int(sign), y0, (z - y0) - sign * _PIO2_1T
        z -= sign * _PIO2_2
        y0 = z - sign * _PIO2_2T
        return int(sign), y0, (z - y0) - sign * _PIO2_2T
    if ix > 0x413921FB:
        raise ValueError(f"x={x!r} is beyond the range TFP's generators reach")
    t = abs(x)
    n = int(t * _INVPIO2 + 0.5)
    fn = float(n)
    r = t - fn * _PIO2_1
    w = fn * _PIO2_1T
    y0 = r - w
    if not (n < 32 and ix != _NPIO2_HW[n - 1]):
        j = ix >> 20
        if j - ((_high(y0) >> 20) & 0x7FF) > 16:  # a second round, good to 118 bits
            t = r
            w = fn * _PIO2_2
            r = t - w
            w = fn * _PIO2_2T - ((t - r) - w)
            y0 = r - w
            if j - ((_high(y0) >> 20) & 0x7FF) > 49:  # a third, good to 151 bits
                t = r
                w = fn * _PIO2_3
                r = t - w
                w = fn * _PIO2_3T - ((t - r) - w)
                y0 = r - w
    y1 = (r - y0) - w
    return (-n, -y0, -y1) if hx < 0 else (n, y0, y1)


def js_sin(x: float) -> float:
    """``Math.sin(x)`` as V8 and SpiderMonkey compute it (fdlibm s_sin.c)."""
    if not math.isfinite(x):
        return math.nan
    n, y0, y1 = _rem_pio2(x)
    if n == 0:  # |x| <= π/4
        return _kernel_sin(x, 0.0, 0)
    return (
        _kernel_sin(y0, y1, 1),
        _kernel_cos(y0, y1),
        -_kernel_sin(y0, y1, 1),
        -_kernel_cos(y0, y1),
    )[n & 3]


def js_cos(x: float) -> float:
    """``Math.cos(x)`` as V8 and SpiderMonkey compute it (fdlibm s_cos.c)."""
    if not math.isfinite(x):
        return math.nan
    n, y0, y1 = _rem_pio2(x)
    if n == 0:  # |x| <= π/4
        return _kernel_cos(x, 0.0)
    return (
        _kernel_cos(y0, y1),
        -_kernel_sin(y0, y1, 1),
        -_kernel_cos(y0, y1),
        _kernel_sin(y0, y1, 1),
    )[n & 3]


def js_log(x: float) -> float:
    """``Math.log(x)`` as V8 and SpiderMonkey compute it (fdlibm e_log.c), for x >= 0."""
    if x == 0:
        return -math.inf
    if x < 0 or x != x:
        return math.nan
    if math.isinf(x):
        return x
    hx = _high(x)
    k = 0
    if hx < 0x00100000:  # subnormal: scale into the normal range
        k -= 54
        x *= 1.80143985094819840000e16
        hx = _high(x)
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = _with_high(x, hx | (i ^ 0x3FF00000))  # x or x/2, into [sqrt(2)/2, sqrt(2))
    k += i >> 20
    f = x - 1.0
    dk = float(k)
    if (0x000FFFFF & (2 + hx)) < 3:  # |f| < 2^-20
        if f == 0.0:
            return 0.0 if k == 0 else dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        return f - r if k == 0 else dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    s = f / (2.0 + f)
    z = s * s
    i = hx - 0x6147A
    w = z * z
    j = 0x6B851 - hx
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    i |= j
    r = t2 + t1
    if i > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)
