"""Reference oracle: checks the chart service's histogram numbers against
numpy and scipy.

    .venv-oracle/bin/python tests/oracle/check.py CASES.json

CASES.json (written by a Rust test) is a JSON array of cases:

    {"name": "ties-on-edges",
     "query": "values=0,1,2|3,4&bins=sturges&norm=density",
     "series": [[0, 1, 2], [3, 4]],      # raw values per series; null when
                                         # the query is pre-binned (counts=)
     "output": {...the service's JSON document...}}

Output, on stdout: one verdict line per case, `ok NAME` or
`FAIL NAME: reason; reason; ...` (every reason found, not just the first),
possibly followed by indented `  note: ...` lines (facts that are not
failures, such as values lying within a few ulps of an edge); then a line
`kde: ...` with the largest KDE error seen, and last `N passed, N failed`.
Exit status: 0 when every case passed, 1 when any failed, 2 when the input
itself is malformed (not an array of such cases, or a query that the service
would have refused: unknown shapes of numbers, a repeated parameter, series
that disagree with the query's values=, ...). A malformed input is reported
on stderr before anything is checked.

What is checked, per case (the service's claims):

* edges: equal to `numpy.histogram_bin_edges(pooled, bins, range)` for a
  bin count or a rule (all series pooled; under xscale=log on log10 of the
  values and of the range, then raised to 10**); rules asking for more than
  1000 bins get 1000; binwidth=w gives edges at whole multiples k*w (in
  log10 space under log) from the largest multiple <= the lowest value to
  the smallest multiple >= the highest (at least one bin), or, with range,
  the range's ends around the multiples strictly inside it; edges= (and
  pre-binned charts) give exactly the edges asked for.
* counts: exactly `numpy.histogram(series, bins=OUR_EDGES)[0]` (the counts
  agree with the printed edges; numpy's last bin includes its right edge);
  and against numpy's own edges too, where a difference is a failure only
  when no value lies within a few ulps of an edge (see NEAR_EDGE_ULPS).
  Without range or edges every value must be in a bin; with them the
  series' summary carries `below` (values < e0) and `above` (values > ek).
* heights by norm (count, probability, percent, density) and cumulative
  (1: numpy.cumsum; -1: the reversed cumsum; with density the running sum
  of density*width, as matplotlib's hist, ending at 1), with total = the
  series' counts inside the edges and all-zero heights when it is 0.
* marks (mean, median, pNN, numbers) per series, in the query's order and
  names; pre-binned series take the mean of the bin midpoints weighted by
  the counts and percentiles by np.interp over the cumulative counts
  (uniform within bins).
* kde=1: scipy.stats.gaussian_kde of the in-range values (log10 of them
  under log; Scott's bandwidth) at the service's points, in the bars' units.
* summary per series and pooled: count, min, max, mean, std_dev (ddof=0);
  the legacy `bins` list (start, end, count summed over the series).

Tolerances, and why:

EDGE_ULPS = 4, linear edges: |ours - numpy| <= 4 ulps of the edges' scale
    S = max(|e0|, |ek|, ek - e0) (for binwidth also w). numpy's linspace
    computes edge i as (i * step) + start with step = (stop - start) / n, two
    roundings whose error is an ulp of the larger term, at most S; the
    service does the same steps, so 4 ulps leaves room for one different but
    equally good ordering without hiding a wrong step (a wrong step is off
    by about step, billions of ulps). The scale, not each edge's own
    magnitude, is the yardstick: an inner edge that should be 0 comes out as
    start + i*step = 5.55e-17 in one ordering and 0 in another, and both are
    within an ulp of the computation. The outer edges must be EXACT: numpy
    sets them to the data's min and max (or the range's ends, or min-0.5 and
    max+0.5 for data without spread) without arithmetic, and so must the
    service, or the extreme values fall outside the bins.
EDGE_ULPS and LOG_SPACE_ULPS = 8, log edges: the outer edges are EXACTLY the
    pooled raw min and max (or the range's raw ends), as the service claims;
    an inner edge e = 10**l may differ from numpy's by 4 ulps of e (pow is
    not correctly rounded: on this machine numpy's SIMD power differs from
    glibc's pow by 1 ulp in 5% of inputs) plus ln(10) * e * 8 ulps of the
    log-space scale (the log-space edges themselves may differ by a few
    ulps, because numpy's log10 (AVX-512 SIMD here) and the service's (the
    libm crate) are neither correctly rounded: measured here, np.log10 and
    glibc's log10 differ by up to 2 ulps in 3% of inputs; d(10**l) =
    ln(10) * 10**l * dl carries that into raw units).
counts: EXACT, against numpy.histogram over the service's printed edges.
NEAR_EDGE_ULPS = 8: counts over numpy's own edges may differ from ours only
    through values within 8 ulps of the edge scale (in log10 space under
    log) of one of the two edge sets; a difference with no such value fails.
HEIGHT_REL = 1e-12, heights: relative to numpy's height (one or two
    roundings apart: c / total * 100 or c / width / total in another order);
    a zero height must be exactly zero.
CUMULATIVE_REL = 1e-12, cumulative heights: relative to the running total's
    final value (a running sum's rounding error grows with the sum, not with
    each term).
MEAN_REL_MAX = 1e-13, mean: |ours - numpy.mean| <= 1e-13 * max|v|: numpy
    sums pairwise (error about log2(n) * eps * max|v|, < 5e-15 * max|v| for
    the service's 10,000 values at most), the service with Neumaier's
    compensation (within an ulp of the exact mean).
PERCENTILE_ULPS = 2, percentiles of values: 2 ulps of the larger magnitude
    of the two order statistics numpy interpolates between (the service
    copies numpy's float steps, so this allows one rounding each way).
PREBINNED_PERCENTILE_ULPS = 4, percentiles of pre-binned counts: np.interp
    computes slope * (x - xp[j]) + fp[j], a bin-uniform interpolation more
    naturally lo + (hi - lo) * frac: three roundings each, about 3 ulps of
    the bin's larger edge apart at most.
STD_REL = 1e-10 and STD_FLOOR_ULPS = 8, std_dev: relative 1e-10 of numpy's,
    plus 8 ulps of max|v|: with no or little spread, numpy's two-pass std is
    rounding noise of the mean (an ulp of max|v| per deviation), which the
    compensated sum need not reproduce (numpy gives 1.4e-17 for [0.1]*3).
KDE_REL_PEAK = 1e-3 and KDE_ABS = 1e-12, kde: |ours - scipy| <= 1e-3 * the
    largest value of scipy's curve + 1e-12: the service may sum the kernel
    over a binned grid, which it claims stays within 1e-3 of the peak; the
    largest error seen (relative to the peak) is printed on the `kde:` line.
KDE_SPAN_REL = 1e-12: the curve's first and last x equal e0 and ek within
    1e-12 of max(|e0|, |ek|) (under log the points pass through log10 and
    10** and may be an ulp or two off); at least KDE_MIN_POINTS = 100 points,
    x strictly increasing.
EQUAL_WIDTH_REL = 1e-9: kde with a norm other than density is allowed only
    on equal-width bins (in log10 units under log), the service's own test
    of equal widths; the curve's width is then (ek - e0) / k.
"""

import json
import math
import sys
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import scipy.stats
from numpy.lib import _histograms_impl as np_hist

RULES = ("auto", "fd", "sturges", "scott", "rice", "sqrt", "doane")
NORMS = ("count", "percent", "probability", "density")
BINS_MIN, BINS_MAX = 1, 1000
DRAWS_DEFAULT_BINS = 100  # bins for n= draws without bins (limits::BINS_DEFAULT)

EDGE_ULPS = 4
LOG_SPACE_ULPS = 8
NEAR_EDGE_ULPS = 8
HEIGHT_REL = 1e-12
CUMULATIVE_REL = 1e-12
MEAN_REL_MAX = 1e-13
PERCENTILE_ULPS = 2
PREBINNED_PERCENTILE_ULPS = 4
STD_REL = 1e-10
STD_FLOOR_ULPS = 8
KDE_REL_PEAK = 1e-3
KDE_ABS = 1e-12
KDE_SPAN_REL = 1e-12
KDE_MIN_POINTS = 100
EQUAL_WIDTH_REL = 1e-9

LN10 = math.log(10.0)
SHOW = 3  # mismatches quoted per array before "and N more"


class Malformed(Exception):
    """The cases file is not what the Rust test is meant to write."""


class BadOutput(Exception):
    """The service's document lacks a field or has the wrong type there."""


# --------------------------------------------------------------- the query


def parse_number(text):
    """A number as the service reads one (src/spec/query.rs parse_number):
    a decimal with optional sign and exponent, spaces and tabs trimmed,
    finite; -0 reads as 0. None if it is not one."""
    t = text.strip(" \t")
    if not t or not any(c.isdigit() for c in t):
        return None
    if not all(c.isdigit() or c in ".-+eE" for c in t):
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    if not math.isfinite(v):
        return None
    return 0.0 if v == 0.0 else v


def shortest(v):
    """The service's spelling of a number (src/encode/number.rs): the
    shortest round-trip digits, positional for 1e-5 <= |v| < 1e16 (Rust's
    `{}`: `3`, `2.5`, `0.0001`, `1000000000000000`), otherwise Rust's `{:e}`
    (`1e300`, `1.5e-7`, `1e16`). Python's repr has the same digits."""
    if v == 0.0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    d = Decimal(repr(v)).normalize()
    if 1e-5 <= abs(v) < 1e16:
        return format(d, "f")
    sign, digits, exponent = d.as_tuple()
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return ("-" if sign else "") + mantissa + "e" + str(exponent + len(digits) - 1)


@dataclass
class Spec:
    """A case's query, as the service reads it, and its raw data."""

    name: str
    values: list  # one float64 array per series, or None when pre-binned
    counts: list  # one float64 array per series when pre-binned, else None
    bins: tuple  # ("rule", name) | ("count", n) | ("width", w) | ("edges", array)
    range: tuple  # (lo, hi) in raw units, or None
    norm: str
    cumulative: int  # 0, 1 or -1
    log: bool
    marks: list  # (name, kind, arg): kind "mean" | "pct" (arg q) | "value" (arg v)
    kde: bool
    labels: list  # one per series, or None

    @property
    def prebinned(self):
        return self.counts is not None

    @property
    def series_count(self):
        return len(self.counts if self.prebinned else self.values)


def parse_case(index, case):
    where = f"case {index + 1}"
    if not isinstance(case, dict):
        raise Malformed(f"{where} is not an object")
    for key in ("name", "query", "series", "output"):
        if key not in case:
            raise Malformed(f"{where} has no {key!r}")
    name = case["name"]
    if not isinstance(name, str) or not name:
        raise Malformed(f"{where}: name must be a non-empty string")
    where = f"case {name!r}"
    if not isinstance(case["query"], str):
        raise Malformed(f"{where}: query must be a string")
    if not isinstance(case["output"], dict):
        raise Malformed(f"{where}: output must be an object (the service's JSON document)")

    params = {}
    for key, value in urllib.parse.parse_qsl(case["query"], keep_blank_values=True):
        if key in params:
            raise Malformed(f"{where}: parameter {key!r} is given twice")
        params[key] = value
    # The combinations the service refuses (src/spec/query.rs into_spec).
    for key, others in (
        ("values", ("n",)),
        ("counts", ("values", "n", "bins", "binwidth", "range", "kde")),
        ("edges", ("bins", "binwidth", "range")),
        ("binwidth", ("bins",)),
    ):
        clash = [o for o in others if key in params and o in params]
        if clash:
            raise Malformed(f"{where}: the service refuses {key} with {clash[0]}")

    def number(key, text, positive=False):
        v = parse_number(text)
        if v is None:
            raise Malformed(f"{where}: {key} has {text!r}, not a number")
        if positive and v <= 0.0:
            raise Malformed(f"{where}: {key} has {text!r}, but xscale=log needs numbers > 0")
        return v

    def number_list(key, text, positive=False):
        return [number(key, item, positive) for item in text.split(",")]

    def choice(key, allowed, default):
        v = params.get(key, default)
        if v not in allowed:
            raise Malformed(f"{where}: {key}={v!r} is not one of {', '.join(allowed)}")
        return v

    log = choice("xscale", ("linear", "log"), "linear") == "log"

    edges = None
    if "edges" in params:
        edges = np.array(number_list("edges", params["edges"], log))
        if len(edges) < 2 or np.any(edges[1:] <= edges[:-1]):
            raise Malformed(f"{where}: edges must be 2 or more increasing numbers")

    rng = None
    if "range" in params:
        r = number_list("range", params["range"], log)
        if len(r) != 2 or not r[0] < r[1]:
            raise Malformed(f"{where}: range must be lo,hi with lo < hi")
        rng = (r[0], r[1])

    series = case["series"]
    values = counts = None
    if "counts" in params:
        if series is not None:
            raise Malformed(f"{where}: a pre-binned case (counts=) must have series null")
        if edges is None:
            raise Malformed(f"{where}: counts= needs edges=")
        counts = []
        for part in params["counts"].split("|"):
            c = np.array(number_list("counts", part))
            if len(c) != len(edges) - 1 or np.any(c < 0):
                raise Malformed(f"{where}: each counts series needs {len(edges) - 1} counts >= 0")
            counts.append(c)
    else:
        if not isinstance(series, list) or not series:
            raise Malformed(f"{where}: series must be a non-empty list of lists of numbers")
        values = []
        for s in series:
            if not isinstance(s, list) or not s or not all(is_number(v) for v in s):
                raise Malformed(f"{where}: series must be a non-empty list of lists of numbers")
            v = np.array(s, dtype=float)
            if not np.all(np.isfinite(v)):
                raise Malformed(f"{where}: series has a non-finite value")
            if log and np.any(v <= 0.0):
                raise Malformed(f"{where}: xscale=log with a value <= 0")
            values.append(v)
        if "values" in params:
            given = [number_list("values", part, log) for part in params["values"].split("|")]
            if len(given) != len(values) or any(
                # The spec keeps each series sorted (order does not change a histogram).
                len(g) != len(v) or np.any(np.sort(np.array(g)) != np.sort(v)) for g, v in zip(given, values)
            ):
                raise Malformed(f"{where}: series disagrees with the query's values=")

    if edges is not None:
        bins = ("edges", edges)
    elif "bins" in params:
        b = params["bins"]
        if b in RULES:
            bins = ("rule", b)
        else:
            n = number("bins", b)
            if n != int(n) or not BINS_MIN <= n <= BINS_MAX:
                raise Malformed(f"{where}: bins={b!r} is neither a rule nor an integer 1..1000")
            bins = ("count", int(n))
    elif "binwidth" in params:
        w = number("binwidth", params["binwidth"])
        if w <= 0.0:
            raise Malformed(f"{where}: binwidth must be > 0")
        bins = ("width", w)
    elif "values" in params:
        bins = ("rule", "auto")
    else:
        bins = ("count", DRAWS_DEFAULT_BINS)

    norm = choice("norm", NORMS, "count")
    flags = {}
    for key, allowed in (("cumulative", (0.0, 1.0, -1.0)), ("kde", (0.0, 1.0))):
        v = number(key, params[key]) if key in params else 0.0
        if v not in allowed:
            raise Malformed(f"{where}: {key}={params[key]!r} is not one of {allowed}")
        flags[key] = int(v)
    if flags["kde"] and flags["cumulative"]:
        raise Malformed(f"{where}: the service refuses kde with cumulative")

    marks = []
    if "marks" in params:
        for item in params["marks"].split(","):
            item = item.strip(" ")
            if item in ("mean", "median"):
                marks.append((item, "mean", None) if item == "mean" else (item, "pct", 50))
            elif item.startswith("p"):
                digits = item[2:] if item[1:2] == "+" else item[1:]  # Rust's u8 parse takes a +
                if not digits.isdigit() or not 1 <= int(digits) <= 99:
                    raise Malformed(f"{where}: mark {item!r} is not p1..p99")
                marks.append((item, "pct", int(digits)))
            else:
                v = number("marks", item, log)
                marks.append((shortest(v), "value", v))

    labels = params["labels"].split("|") if "labels" in params else None

    spec = Spec(
        name=name,
        values=values,
        counts=counts,
        bins=bins,
        range=rng,
        norm=norm,
        cumulative=flags["cumulative"],
        log=log,
        marks=marks,
        kde=bool(flags["kde"]),
        labels=labels,
    )
    if labels is not None and len(labels) != spec.series_count:
        raise Malformed(f"{where}: labels has {len(labels)} names for {spec.series_count} series")
    return spec


# ------------------------------------------------------- the service's JSON


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def field(obj, key, where):
    if not isinstance(obj, dict):
        raise BadOutput(f"{where} is not an object")
    if key not in obj:
        raise BadOutput(f"{where} has no {key!r}")
    return obj[key]


def number_field(obj, key, where):
    v = field(obj, key, where)
    if not is_number(v):
        raise BadOutput(f"{where}.{key} is {v!r}, not a number")
    return float(v)


def number_array(x, where, length=None):
    if not isinstance(x, list) or not all(is_number(v) for v in x):
        raise BadOutput(f"{where} is not a list of numbers")
    if length is not None and len(x) != length:
        raise BadOutput(f"{where} has {len(x)} numbers, expected {length}")
    return np.array(x, dtype=float)


# ------------------------------------------------------------ comparisons


def ulp(x):
    """The spacing of float64 at |x| (math.ulp(0) is the least subnormal)."""
    return math.ulp(abs(float(x)))


def fmt(x):
    return repr(float(x))


def mismatches(label, ours, ref, tol, unit=None):
    """Reasons for the entries where |ours - ref| > tol (tol broadcasts).
    unit, if given, expresses the differences in ulps of that array."""
    diff = np.abs(ours - ref)
    tol = np.broadcast_to(tol, diff.shape)
    bad = np.flatnonzero(~(diff <= tol))
    if not bad.size:
        return []
    parts = []
    for i in bad[:SHOW]:
        s = f"{label}[{i}] = {fmt(ours[i])}, expected {fmt(ref[i])}"
        if unit is not None:
            u = ulp(unit[i])
            s += f" ({diff[i] / u:.3g} ulps apart, allowed {tol[i] / u:.3g})"
        else:
            s += f" (apart {diff[i]:.3g}, allowed {tol[i]:.3g})"
        parts.append(s)
    more = f" and {bad.size - SHOW} more" if bad.size > SHOW else ""
    return [", ".join(parts) + more]


def fmt_count(x):
    return str(int(x)) if float(x).is_integer() else fmt(x)


def counts_mismatch(label, ours, ref):
    bad = np.flatnonzero(ours != ref)
    if not bad.size:
        return None
    shown = ", ".join(f"[{i}] {fmt_count(ours[i])} vs {fmt_count(ref[i])}" for i in bad[:SHOW])
    more = f" and {bad.size - SHOW} more" if bad.size > SHOW else ""
    return f"{label} differ in {bad.size} bins: {shown}{more}"


# ------------------------------------------------------------- references


@dataclass
class RefEdges:
    raw: np.ndarray  # the edges the service should print
    tol: np.ndarray  # allowed |ours - raw| per edge (0: exact)
    space: np.ndarray  # the same edges where numpy bins them (log10 under log)
    label: str  # how they were made, for messages


def rule_bin_count(data, rule, rng):
    """The bin count numpy's rule asks for, uncapped: the steps of
    numpy.lib._histograms_impl._get_bin_edges for a string `bins` (outer
    edges, the data truncated to the range, the selector's width,
    ceil(span / width), 1 for a zero width), without building the edges
    (a rule may ask for 1e15 bins). Returns math.inf when the ratio is."""
    first, last = np_hist._get_outer_edges(data, rng)
    a = data
    if rng is not None:
        a = a[(a >= first) & (a <= last)]
    if a.size == 0:
        return 1
    width = np_hist._hist_bin_selectors[rule](a, (first, last))
    if not width:
        return 1
    ratio = np.ceil(np_hist._unsigned_subtract(last, first) / width)
    return int(ratio) if np.isfinite(ratio) else math.inf


def numpy_edges(data, bins, rng):
    """Edges from numpy for ("rule", name) or ("count", n), with the
    service's cap of 1000 bins on a rule; and the label for messages."""
    kind, arg = bins
    where = f", range=({fmt(rng[0])}, {fmt(rng[1])})" if rng is not None else ""
    if kind == "count":
        return np.histogram_bin_edges(data, bins=arg, range=rng), f"numpy bins={arg}{where}"
    n = rule_bin_count(data, arg, rng)
    if n > BINS_MAX:
        e = np.histogram_bin_edges(data, bins=BINS_MAX, range=rng)
        return e, f"numpy {arg!r} (asks {n} bins, capped to {BINS_MAX}){where}"
    e = np.histogram_bin_edges(data, bins=arg, range=rng)
    if len(e) - 1 != n:  # the mirror of _get_bin_edges went out of date
        raise RuntimeError(f"rule_bin_count({arg!r}) = {n} but numpy made {len(e) - 1} bins")
    return e, f"numpy {arg!r}{where}"


def binwidth_edges(lo, hi, w, ranged):
    """Edges at whole multiples of w (all in the space the width is in):
    with a range, lo and hi themselves around the multiples strictly inside;
    without, the largest multiple <= lo to the smallest >= hi, one bin at
    least. Returns the edges and whether the outer two are exact ends."""
    if ranged:
        k0, k1 = math.floor(lo / w) - 1, math.ceil(hi / w) + 1
        inner = [k * w for k in range(k0, k1 + 1) if lo < k * w < hi]
        return np.array([lo] + inner + [hi]), True
    k0 = math.floor(lo / w)
    while k0 * w > lo:
        k0 -= 1
    while (k0 + 1) * w <= lo:
        k0 += 1
    k1 = math.ceil(hi / w)
    while k1 * w < hi:
        k1 += 1
    while (k1 - 1) * w >= hi:
        k1 -= 1
    k1 = max(k1, k0 + 1)
    return np.array([k * w for k in range(k0, k1 + 1)]), False


def reference_edges(spec, pooled):
    """What the service's edges must be, for value data."""
    kind, arg = spec.bins
    if kind == "edges":
        return RefEdges(arg, np.zeros(len(arg)), np.log10(arg) if spec.log else arg, "edges=")

    data = np.log10(pooled) if spec.log else pooled
    rng = None
    if spec.range is not None:
        rng = tuple(float(x) for x in np.log10(spec.range)) if spec.log else spec.range
    if kind == "width":
        lo, hi = rng if rng is not None else (data.min(), data.max())
        space, exact_ends = binwidth_edges(float(lo), float(hi), arg, rng is not None)
        label = f"multiples of binwidth={fmt(arg)}" + (" in log10" if spec.log else "")
        extra_scale = arg
    else:
        space, label = numpy_edges(data, spec.bins, rng)
        if spec.log:
            label += " on log10"
        exact_ends = True  # numpy's outer edges are min/max or the range, no arithmetic
        extra_scale = 0.0
    scale = max(abs(space[0]), abs(space[-1]), space[-1] - space[0], extra_scale)

    if not spec.log:
        tol = np.full(len(space), EDGE_ULPS * ulp(scale))
        if exact_ends:
            tol[0] = tol[-1] = 0.0
        return RefEdges(space, tol, space, label)

    raw = np.power(10.0, space)
    tol = EDGE_ULPS * np.spacing(raw) + LN10 * raw * LOG_SPACE_ULPS * ulp(scale)
    ends = None
    if spec.range is not None and (kind != "width" or exact_ends):
        ends = spec.range
    elif kind != "width" and pooled.min() < pooled.max():
        ends = (pooled.min(), pooled.max())
    if ends is not None:  # the service claims these ends exactly, not 10**log10(x)
        raw[0], raw[-1] = ends
        tol[0] = tol[-1] = 0.0
    return RefEdges(raw, tol, space, label + ", raised to 10**")


def near_edge_count(values, ours, theirs):
    """How many values lie within NEAR_EDGE_ULPS of the edge scale of an
    inner edge of either set, or of an outer edge where the two sets differ
    (all in the same space, the same number of edges). Equal outer edges are
    left out: the extreme values sit on them and both sets count them."""
    pick = np.ones(len(ours), dtype=bool)
    pick[[0, -1]] = ours[[0, -1]] != theirs[[0, -1]]
    edges = np.unique(np.concatenate([ours[pick], theirs[pick]]))
    if not edges.size:
        return 0
    scale = max(abs(ours[0]), abs(ours[-1]), ours[-1] - ours[0])
    i = np.clip(np.searchsorted(edges, values), 1, max(len(edges) - 1, 1))
    dist = np.abs(values - edges[i - 1])
    if len(edges) > 1:
        dist = np.minimum(dist, np.abs(values - edges[i]))
    return int(np.count_nonzero(dist <= NEAR_EDGE_ULPS * ulp(scale)))


def expected_heights(counts, edges, norm, cumulative, values=None):
    """numpy's heights for the counts over the edges (values, if given, for
    numpy.histogram's own density)."""
    c = np.asarray(counts, dtype=float)
    total = c.sum()
    widths = np.diff(edges)
    if total == 0:
        h = np.zeros(len(c))
    elif norm == "count":
        h = c
    elif norm == "probability":
        h = c / total
    elif norm == "percent":
        h = c / total * 100
    elif values is not None:
        h = np.histogram(values, bins=edges, density=True)[0]
    else:
        h = c / widths / total
    if cumulative == 0:
        return h
    if norm == "density":
        h = h * widths
    return np.cumsum(h) if cumulative == 1 else np.cumsum(h[::-1])[::-1]


def percentile_tolerance(sorted_values, q):
    """PERCENTILE_ULPS of the larger of the two order statistics numpy
    interpolates between for percentile q."""
    n = len(sorted_values)
    j = min(max(int(math.floor((n - 1) * (q / 100))), 0), n - 1)
    lo, hi = sorted_values[j], sorted_values[min(j + 1, n - 1)]
    return PERCENTILE_ULPS * ulp(max(abs(lo), abs(hi)))


# ------------------------------------------------------------ the checks


class CaseCheck:
    def __init__(self, spec, out):
        self.spec = spec
        self.out = out
        self.reasons = []
        self.notes = []
        self.kde_worst = None  # (error / peak, where)
        self.ref = None  # RefEdges for value data with computed edges

    def fail(self, reason):
        self.reasons.append(reason)

    def run(self):
        try:
            self.check()
        except BadOutput as e:
            self.fail(f"output: {e}")
        return self

    def check(self):
        spec, out = self.spec, self.out
        edges = number_array(field(out, "edges", "output"), "output.edges")
        if len(edges) < 2 or not np.all(np.isfinite(edges)) or np.any(edges[1:] <= edges[:-1]):
            self.fail(f"edges are not 2 or more finite increasing numbers: {edges.tolist()[:8]}")
            return
        docs = field(out, "series", "output")
        if not isinstance(docs, list) or len(docs) != spec.series_count:
            n = len(docs) if isinstance(docs, list) else "no list of"
            self.fail(f"output has {n} series, the query {spec.series_count}")
            return

        if spec.prebinned:
            self.check_exact_edges(edges, spec.bins[1], "the given edges")
            per_series = spec.counts
        else:
            pooled = np.concatenate(spec.values)
            self.check_edges(edges, pooled)
            self.check_summary(field(out, "summary", "output"), pooled, "summary (pooled)")
            per_series = spec.values
        k = len(edges) - 1

        all_counts = []
        for i, (doc, data) in enumerate(zip(docs, per_series)):
            where = f"series {i + 1}"
            try:
                counts = self.check_series(where, i, doc, data, edges)
            except BadOutput as e:  # its message names the series
                self.fail(f"output: {e}")
                counts = None
            all_counts.append(counts)

        bins = field(out, "bins", "output")
        if not isinstance(bins, list) or len(bins) != k:
            self.fail(f"legacy bins: {len(bins) if isinstance(bins, list) else 'no'} bins for {k}")
        elif all(c is not None for c in all_counts):
            total = np.sum(all_counts, axis=0)
            starts = number_array([field(b, "start", "bins[]") for b in bins], "bins[].start")
            ends = number_array([field(b, "end", "bins[]") for b in bins], "bins[].end")
            cs = number_array([field(b, "count", "bins[]") for b in bins], "bins[].count")
            if np.any(starts != edges[:-1]) or np.any(ends != edges[1:]):
                self.fail("legacy bins: start/end are not the edges")
            bad = counts_mismatch("legacy bins' counts (summed over the series)", cs, total)
            if bad:
                self.fail(bad)

    # edges

    def check_exact_edges(self, ours, given, what):
        if len(ours) != len(given) or np.any(ours != given):
            self.fail(f"edges are {ours.tolist()[:8]}, not exactly {what} {given.tolist()[:8]}")

    def check_edges(self, ours, pooled):
        spec = self.spec
        if spec.bins[0] == "edges":
            self.check_exact_edges(ours, spec.bins[1], "the given edges")
            self.ref = None
            return
        try:
            ref = reference_edges(spec, pooled)
        except ValueError as e:  # numpy refuses ("Too many bins for data range", ...)
            self.fail(f"edges: numpy cannot make reference edges: {e}")
            self.ref = None
            return
        self.ref = ref
        if len(ours) != len(ref.raw):
            self.fail(
                f"edges: {len(ours) - 1} bins [{fmt(ours[0])} .. {fmt(ours[-1])}], "
                f"{ref.label} gives {len(ref.raw) - 1} [{fmt(ref.raw[0])} .. {fmt(ref.raw[-1])}]"
            )
            return
        self.reasons += mismatches(f"edges vs {ref.label}: edge", ours, ref.raw, ref.tol, unit=ref.raw)

    # one series

    def check_series(self, where, i, doc, data, edges):
        spec = self.spec
        if not isinstance(doc, dict):
            raise BadOutput(f"{where} is not an object")
        label = doc.get("label")
        if spec.labels is not None and label != spec.labels[i]:
            self.fail(f"{where}: label is {label!r}, the query's {spec.labels[i]!r}")
        k = len(edges) - 1
        counts = number_array(field(doc, "counts", where), f"{where}.counts", k)
        heights = number_array(field(doc, "heights", where), f"{where}.heights", k)

        if spec.prebinned:
            bad = counts_mismatch(f"{where}: counts vs the given counts", counts, data)
            if bad:
                self.fail(bad)
            ref_h = expected_heights(data, edges, spec.norm, spec.cumulative)
        else:
            numpy_counts = self.check_counts(where, data, counts, edges, field(doc, "summary", where))
            self.check_summary(field(doc, "summary", where), data, f"{where} summary")
            ref_h = expected_heights(numpy_counts, edges, spec.norm, spec.cumulative, values=data)
        self.check_heights(where, heights, ref_h)
        self.check_marks(where, doc, data, edges)
        if spec.kde:
            self.check_kde(where, field(doc, "kde", where), data, edges)
        elif "kde" in doc:
            self.fail(f"{where}: has a kde without kde=1")
        return counts

    def check_counts(self, where, values, counts, edges, summary):
        """Checks the series' counts and below/above; returns numpy's counts
        over the printed edges (the heights' reference counts)."""
        spec = self.spec
        ref = np.histogram(values, bins=edges)[0]
        bad = counts_mismatch(f"{where}: counts vs numpy.histogram over the printed edges", counts, ref)
        if bad:
            self.fail(bad)

        own = self.ref
        if own is not None and spec.bins[0] != "edges" and len(own.space) == len(edges):
            space_values = np.log10(values) if spec.log else values
            theirs = np.histogram(space_values, bins=own.space)[0]
            if np.any(theirs != counts):
                ours_space = np.log10(edges) if spec.log else edges
                near = near_edge_count(space_values, ours_space, own.space)
                diff = counts_mismatch(f"{where}: counts vs numpy's own edges", counts, theirs)
                if near:
                    self.notes.append(f"{diff}; {near} values lie within {NEAR_EDGE_ULPS} ulps of an edge")
                else:
                    self.fail(f"{diff}, and no value lies within {NEAR_EDGE_ULPS} ulps of an edge")

        below = int(np.count_nonzero(values < edges[0]))
        above = int(np.count_nonzero(values > edges[-1]))
        if spec.range is not None or spec.bins[0] == "edges":
            for key, ref_n in (("below", below), ("above", above)):
                got = number_field(summary, key, f"{where}.summary")
                if got != ref_n:
                    self.fail(f"{where}: summary.{key} = {fmt_count(got)}, but {ref_n} values are {key} the edges")
        elif below or above:
            self.fail(f"{where}: {below} values below and {above} above the edges, with no range or edges")
        return ref

    def check_heights(self, where, ours, ref):
        if self.spec.cumulative:
            tol = CUMULATIVE_REL * np.max(np.abs(ref), initial=0.0)
            self.reasons += mismatches(f"{where}: cumulative heights", ours, ref, tol)
        else:
            self.reasons += mismatches(f"{where}: heights", ours, ref, HEIGHT_REL * np.abs(ref))

    def check_summary(self, summary, values, where):
        got = {k: number_field(summary, k, where) for k in ("count", "min", "max", "mean", "std_dev")}
        if got["count"] != len(values):
            self.fail(f"{where}: count = {fmt_count(got['count'])}, not {len(values)}")
        for key, ref in (("min", values.min()), ("max", values.max())):
            if got[key] != ref:
                self.fail(f"{where}: {key} = {fmt(got[key])}, not {fmt(ref)}")
        big = np.max(np.abs(values))
        mean = np.mean(values)
        if not abs(got["mean"] - mean) <= MEAN_REL_MAX * big:
            self.fail(f"{where}: mean = {fmt(got['mean'])}, numpy {fmt(mean)} (allowed {MEAN_REL_MAX * big:.3g})")
        std = np.std(values)
        tol = STD_REL * std + STD_FLOOR_ULPS * ulp(big)
        if not abs(got["std_dev"] - std) <= tol:
            self.fail(f"{where}: std_dev = {fmt(got['std_dev'])}, numpy {fmt(std)} (allowed {tol:.3g})")

    # marks

    def check_marks(self, where, doc, data, edges):
        spec = self.spec
        marks = doc.get("marks", [])
        if not isinstance(marks, list):
            raise BadOutput(f"{where}.marks is not a list")
        names = [m.get("name") if isinstance(m, dict) else None for m in marks]
        wanted = [m[0] for m in spec.marks]
        if names != wanted:
            self.fail(f"{where}: marks are {names}, the query asks {wanted}")
            return
        sorted_values = None if spec.prebinned else np.sort(data)
        for (name, kind, arg), mark in zip(spec.marks, marks):
            got = number_field(mark, "value", f"{where} mark {name}")
            if kind == "value":
                ref, tol, how = arg, 0.0, "the number asked"
            elif spec.prebinned:
                ref, tol, how = self.binned_mark(kind, arg, data, edges)
                if ref is None:
                    continue  # no counts: no reference value
            elif kind == "mean":
                ref, tol, how = np.mean(data), MEAN_REL_MAX * np.max(np.abs(data)), "numpy.mean"
            else:
                ref = np.percentile(data, arg)
                tol, how = percentile_tolerance(sorted_values, arg), f"numpy.percentile(q={arg})"
            if not abs(got - ref) <= tol:
                self.fail(f"{where}: mark {name} = {fmt(got)}, {how} {fmt(ref)} (allowed {tol:.3g})")

    def binned_mark(self, kind, q, counts, edges):
        total = counts.sum()
        if total == 0:
            return None, None, None
        if kind == "mean":
            mid = (edges[:-1] + edges[1:]) / 2
            tol = MEAN_REL_MAX * np.max(np.abs(edges))
            return np.average(mid, weights=counts), tol, "numpy.average(midpoints, weights=counts)"
        cum = np.concatenate([[0.0], np.cumsum(counts)])
        target = q / 100 * total
        ref = float(np.interp(target, cum, edges))
        j = int(np.clip(np.searchsorted(cum, target, "right") - 1, 0, len(edges) - 2))
        tol = PREBINNED_PERCENTILE_ULPS * ulp(max(abs(edges[j]), abs(edges[j + 1])))
        how = f"np.interp({fmt(target)}, cumulative counts, edges)"
        flat = np.flatnonzero(cum == target)
        if len(flat) > 1:  # the target ends a bin and empty bins follow
            how += (
                f" (the target lies on empty bins spanning [{fmt(edges[flat[0]])}, {fmt(edges[flat[-1]])}];"
                " np.interp takes the right end)"
            )
        return ref, tol, how

    # kde

    def check_kde(self, where, points, values, edges):
        spec = self.spec
        if not isinstance(points, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(is_number(c) for c in p) for p in points
        ):
            raise BadOutput(f"{where}.kde is not a list of [x, y] pairs")
        inside = values[(values >= edges[0]) & (values <= edges[-1])]
        data = np.log10(inside) if spec.log else inside
        if len(data) < 2 or np.ptp(data) == 0:
            if points:
                self.fail(f"{where}: kde has {len(points)} points for {len(data)} in-range values without spread")
            return
        if not points:
            self.fail(f"{where}: kde is empty for {len(data)} in-range values with spread")
            return
        xy = np.array(points, dtype=float)
        x, y = xy[:, 0], xy[:, 1]
        if len(x) < KDE_MIN_POINTS:
            self.fail(f"{where}: kde has {len(x)} points, fewer than {KDE_MIN_POINTS}")
        if np.any(x[1:] <= x[:-1]):
            self.fail(f"{where}: kde x does not increase")
            return
        span_tol = KDE_SPAN_REL * max(abs(edges[0]), abs(edges[-1]))
        if not (abs(x[0] - edges[0]) <= span_tol and abs(x[-1] - edges[-1]) <= span_tol):
            self.fail(f"{where}: kde spans [{fmt(x[0])}, {fmt(x[-1])}], not the edges [{fmt(edges[0])}, {fmt(edges[-1])}]")

        t = np.log10(x) if spec.log else x
        try:
            pdf = scipy.stats.gaussian_kde(data)(t)
        except Exception as e:  # a singular covariance and the like
            self.fail(f"{where}: scipy.stats.gaussian_kde fails on the in-range values: {e}")
            return
        if spec.norm == "density":
            ref = pdf / (x * LN10) if spec.log else pdf
        else:
            space_edges = np.log10(edges) if spec.log else edges
            widths = np.diff(space_edges)
            width = (space_edges[-1] - space_edges[0]) / len(widths)
            if np.any(np.abs(widths - width) > EQUAL_WIDTH_REL * abs(width)):
                self.fail(f"{where}: kde with norm={spec.norm} on unequal bin widths")
            factor = {"count": len(data) * width, "probability": width, "percent": width * 100}[spec.norm]
            ref = pdf * factor
        peak = float(np.max(ref))
        err = float(np.max(np.abs(y - ref)))
        if self.kde_worst is None or err / peak > self.kde_worst[0]:
            self.kde_worst = (err / peak, where)
        self.reasons += mismatches(
            f"{where}: kde vs scipy.stats.gaussian_kde: y", y, ref, KDE_REL_PEAK * peak + KDE_ABS
        )


# -------------------------------------------------------------------- main


def main(argv):
    if len(argv) != 2:
        print("usage: check.py CASES.json", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            cases = json.load(f)
        if not isinstance(cases, list):
            raise Malformed("the file is not a JSON array of cases")
        specs = [parse_case(i, case) for i, case in enumerate(cases)]
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise Malformed("two cases have the same name")
    except (OSError, ValueError, Malformed) as e:
        print(f"malformed input {argv[1]}: {e}", file=sys.stderr)
        return 2

    passed = failed = 0
    worst = None
    for spec, case in zip(specs, cases):
        result = CaseCheck(spec, case["output"]).run()
        if result.reasons:
            failed += 1
            print(f"FAIL {spec.name}: " + "; ".join(result.reasons))
        else:
            passed += 1
            print(f"ok {spec.name}")
        for note in result.notes:
            print(f"  note: {note}")
        if result.kde_worst is not None and (worst is None or result.kde_worst[0] > worst[0]):
            worst = (result.kde_worst[0], f"{spec.name}, {result.kde_worst[1]}")
    if worst is None:
        print("kde: no curves checked")
    else:
        print(f"kde: largest error {worst[0]:.3g} of the curve's peak ({worst[1]}; allowed {KDE_REL_PEAK:g})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
