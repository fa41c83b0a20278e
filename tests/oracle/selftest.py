"""Self-check of tests/oracle/check.py, without the service:

    .venv-oracle/bin/python tests/oracle/selftest.py

Builds the service's JSON documents for a set of queries with numpy and
scipy (a stand-in service that follows the claimed semantics), and runs
check.py three times:

1. on those cases: every case must pass (exit 0);
2. on copies of them with one number (or name) changed each: exactly the
   changed copies must fail, each for the reason expected (exit 1), while
   copies changed by less than the tolerances still pass;
3. on malformed inputs: exit 2.

Prints what it checked and exits 0, or fails with an AssertionError.
"""

import copy
import json
import math
import os
import subprocess
import sys
import tempfile
import urllib.parse

import numpy as np
import scipy.stats
from numpy.lib import _histograms_impl as np_hist

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check.py")
RULES = ("auto", "fd", "sturges", "scott", "rice", "sqrt", "doane")


# ------------------------------------------------- a stand-in for the service


def edges_for(p, values, log):
    """The edges the service claims for value data."""
    pooled = np.concatenate(values)
    tr = np.log10 if log else (lambda x: np.asarray(x, dtype=float))
    data = tr(pooled)
    rng = tuple(float(x) for x in p["range"].split(",")) if "range" in p else None
    trng = tuple(float(x) for x in tr(np.array(rng))) if rng else None
    if "edges" in p:
        return np.array([float(x) for x in p["edges"].split(",")])
    if "binwidth" in p:
        w = float(p["binwidth"])
        lo, hi = trng if trng else (float(data.min()), float(data.max()))
        if trng:
            inner = [k * w for k in range(math.floor(lo / w), math.ceil(hi / w) + 1) if lo < k * w < hi]
            space = np.array([lo] + inner + [hi])
        else:
            k0, k1 = math.floor(lo / w), math.ceil(hi / w)
            space = np.array([k * w for k in range(k0, max(k1, k0 + 1) + 1)])
        e = 10.0**space if log else space
        if rng:
            e[0], e[-1] = rng
        return e
    bins = p.get("bins", "auto" if "values" in p else "100")
    if bins in RULES:
        first, last = np_hist._get_outer_edges(data, trng)
        a = data if trng is None else data[(data >= first) & (data <= last)]
        width = np_hist._hist_bin_selectors[bins](a, (first, last))
        n = min(math.ceil((last - first) / width), 1000) if width else 1
    else:
        n = int(bins)
    space = np.histogram_bin_edges(data, n, trng)
    if not log:
        return space
    e = 10.0**space
    if rng:
        e[0], e[-1] = rng
    elif pooled.min() < pooled.max():  # else numpy's log10(v) -+ 0.5, raised
        e[0], e[-1] = pooled.min(), pooled.max()
    return e


def heights_for(c, edges, norm, cumulative):
    c = np.asarray(c, dtype=float)
    total = c.sum()
    w = np.diff(edges)
    h = {
        "count": c,
        "probability": c / total,
        "percent": c / total * 100,
        "density": c / w / total,
    }[norm] if total else np.zeros(len(c))
    if cumulative:
        h = h * w if norm == "density" else h
        h = np.cumsum(h) if cumulative == 1 else np.cumsum(h[::-1])[::-1]
    return h


# How the service spells the number marks used below (src/encode/number.rs),
# written out by hand rather than computed like check.py does.
NUMBER_MARK_NAMES = {"2.5": "2.5", "3": "3", "1e-7": "1e-7", "1e20": "1e20", "100": "100", "7": "7"}


def mark_name(item):
    if item in ("mean", "median") or item.startswith("p"):
        return item
    return NUMBER_MARK_NAMES[item]


def fake_service(query, series):
    p = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    log = p.get("xscale") == "log"
    norm = p.get("norm", "count")
    cumulative = int(p.get("cumulative", "0"))
    marks = p["marks"].split(",") if "marks" in p else []
    labels = p["labels"].split("|") if "labels" in p else None
    ranged = "range" in p or "edges" in p
    docs = []
    if "counts" in p:
        edges = np.array([float(x) for x in p["edges"].split(",")])
        counts = [np.array([float(x) for x in s.split(",")]) for s in p["counts"].split("|")]
        values = [None] * len(counts)
    else:
        values = [np.array(s, dtype=float) for s in series]
        edges = edges_for(p, values, log)
        counts = [np.histogram(v, edges)[0] for v in values]
    for i, (v, c) in enumerate(zip(values, counts)):
        doc = {
            "label": labels[i] if labels else None,
            "counts": [int(x) for x in c],
            "heights": heights_for(c, edges, norm, cumulative).tolist(),
        }
        if v is not None:
            doc["summary"] = {
                "count": len(v),
                "min": float(v.min()),
                "max": float(v.max()),
                "mean": float(np.mean(v)),
                "std_dev": float(np.std(v)),
            }
            if ranged:
                doc["summary"]["below"] = int(np.sum(v < edges[0]))
                doc["summary"]["above"] = int(np.sum(v > edges[-1]))
        doc["marks"] = []
        for m in marks:
            if v is None and not c.sum():
                val = 0.0  # no counts: any value (check.py has no reference)
            elif m == "mean":
                val = np.mean(v) if v is not None else np.average((edges[:-1] + edges[1:]) / 2, weights=c)
            elif m == "median" or m.startswith("p"):
                q = 50 if m == "median" else int(m[1:])
                if v is not None:
                    val = np.percentile(v, q)
                else:
                    val = np.interp(q / 100 * c.sum(), np.concatenate([[0], np.cumsum(c)]), edges)
            else:
                val = float(m)
            doc["marks"].append({"name": mark_name(m), "value": float(val)})
        if p.get("kde") == "1":
            inside = v[(v >= edges[0]) & (v <= edges[-1])]
            data = np.log10(inside) if log else inside
            if len(data) < 2 or np.ptp(data) == 0:
                doc["kde"] = []
            else:
                space = np.log10(edges) if log else edges
                t = np.linspace(space[0], space[-1], 200)
                x = 10.0**t if log else t.copy()
                x[0], x[-1] = edges[0], edges[-1]
                t = np.log10(x) if log else x
                pdf = scipy.stats.gaussian_kde(data)(t)
                width = (space[-1] - space[0]) / (len(edges) - 1)
                y = {
                    "density": pdf / (x * math.log(10)) if log else pdf,
                    "count": pdf * len(data) * width,
                    "probability": pdf * width,
                    "percent": pdf * width * 100,
                }[norm]
                doc["kde"] = [[float(a), float(b)] for a, b in zip(x, y)]
        docs.append(doc)
    pooled = np.concatenate([v for v in values if v is not None]) if values[0] is not None else None
    total = np.sum(counts, axis=0)
    return {
        "title": "selftest",
        "summary": {
            "count": len(pooled),
            "min": float(pooled.min()),
            "max": float(pooled.max()),
            "mean": float(np.mean(pooled)),
            "std_dev": float(np.std(pooled)),
        }
        if pooled is not None
        else {"count": int(total.sum())},
        "bins": [
            {"start": float(edges[i]), "end": float(edges[i + 1]), "count": int(total[i])}
            for i in range(len(edges) - 1)
        ],
        "edges": edges.tolist(),
        "series": docs,
    }


def values_query(series):
    return "values=" + "|".join(",".join(repr(float(x)) for x in s) for s in series)


def good_cases():
    r = np.random.default_rng(20240607)
    normal = [r.normal(3, 2, 300).round(3).tolist(), r.normal(5, 1, 120).round(3).tolist()]
    lognormal = [r.lognormal(1, 1, 400).round(4).tolist()]
    uniform = [r.uniform(-1, 2, 250).round(5).tolist()]
    spiky = [np.concatenate([np.linspace(0, 1e-6, 100), [1e3]]).tolist()]
    specs = [
        ("auto-two-series", "&marks=mean,median,p90,2.5&labels=a|b", normal),
        ("sturges-density-cumulative", "&bins=sturges&norm=density&cumulative=1", normal),
        ("doane-probability", "&bins=doane&norm=probability", uniform),
        ("scott", "&bins=scott", normal),
        ("rice-percent", "&bins=rice&norm=percent&marks=p5", uniform),
        ("sqrt-backward", "&bins=sqrt&cumulative=-1&norm=density", uniform),
        ("log-fd-range", "&xscale=log&bins=fd&range=0.5,50&norm=percent&marks=median,3", lognormal),
        ("log-auto", "&xscale=log&marks=mean,p99", lognormal),
        ("binwidth", "&binwidth=0.25&cumulative=-1&norm=probability", uniform),
        ("binwidth-range", "&binwidth=0.5&range=-1.3,2.1", uniform),
        ("log-binwidth", "&xscale=log&binwidth=0.5&marks=1e-7,1e20", lognormal),
        ("edges-below-above", "&edges=-1,0,0.5,2&marks=p5,mean", normal),
        ("ties-on-edges", "&bins=sturges&norm=density", [[0, 1, 2], [3, 4]]),
        ("fd-capped", "&bins=fd&marks=100", spiky),
        ("count-30-range", "&bins=30&range=0,6&norm=percent", normal),
        ("kde-count", "&bins=20&kde=1", normal),
        ("kde-percent-range", "&bins=15&range=0,6&kde=1&norm=percent", normal),
        ("kde-log-density", "&xscale=log&kde=1&norm=density", lognormal),
        ("kde-none", "&kde=1&range=0,10", [[1.0, 2.0, 3.0], [50.0, 4.0], [7.0, 7.0]]),
        ("single-value", "&marks=median,7", [[7.0]]),
    ]
    cases = []
    for name, rest, series in specs:
        q = values_query(series) + rest
        cases.append({"name": name, "query": q, "series": series, "output": fake_service(q, series)})
    draws = [r.standard_normal(500).tolist()]
    cases.append({"name": "draws-default", "query": "n=500", "series": draws, "output": fake_service("n=500", draws)})
    for name, q in [
        ("prebinned", "counts=3,0,5|1,1,1&edges=0,1,2,4&norm=percent&cumulative=-1&marks=mean,median,p75,3"),
        ("prebinned-density", "counts=2,0,0,3&edges=-2,-1,0.5,1,9&norm=density&cumulative=1&marks=p40,p90"),
        ("prebinned-empty", "counts=0,0&edges=1,2,3&norm=probability&marks=mean"),
    ]:
        cases.append({"name": name, "query": q, "series": None, "output": fake_service(q, None)})
    return cases


# ---------------------------------------------------------- perturbations


def nudge_ulps(x, n):
    for _ in range(abs(n)):
        x = math.nextafter(x, math.inf if n > 0 else -math.inf)
    return x


def perturbations(cases):
    """(base case, new name, change, expected reason substring or None for
    "still passes")."""
    by = {c["name"]: c for c in cases}

    def edit(base, name, fn, expect):
        c = copy.deepcopy(by[base])
        c["name"] = name
        fn(c["output"])
        return c, expect

    def s0(o):
        return o["series"][0]

    def set_edge(o, i, x):  # the edges and the legacy bins' start/end
        o["edges"][i] = x
        if i < len(o["bins"]):
            o["bins"][i]["start"] = x
        if i > 0:
            o["bins"][i - 1]["end"] = x

    def move_edge(o, frac):
        e = o["edges"]
        set_edge(o, 2, e[2] + (e[3] - e[2]) * frac)

    def tie_on_moved_edge(o):
        # ties-on-edges has a value on every edge; move edge 2 (the value 2)
        # up an ulp, within the edge tolerance, and recount: the counts
        # agree with the printed edges but not with numpy's own, through a
        # value within an ulp of an edge, which is a note and not a failure.
        set_edge(o, 2, nudge_ulps(o["edges"][2], 1))
        edges = np.array(o["edges"])
        series = by["ties-on-edges"]["series"]
        for doc, v in zip(o["series"], series):
            c = np.histogram(v, edges)[0]
            doc["counts"] = [int(x) for x in c]
            doc["heights"] = heights_for(c, edges, "density", 0).tolist()
        total = np.sum([d["counts"] for d in o["series"]], axis=0)
        for b, t in zip(o["bins"], total):
            b["count"] = int(t)

    def bump_kde(o):
        k = s0(o)["kde"]
        peak = max(y for _, y in k)
        k[50][1] += 2e-3 * peak

    return [
        edit("auto-two-series", "x-edge-moved", lambda o: move_edge(o, 0.3), "edges vs numpy 'auto'"),
        edit("auto-two-series", "x-edge-1ulp", lambda o: set_edge(o, 2, nudge_ulps(o["edges"][2], 1)), None),
        edit("ties-on-edges", "x-tie-edge-1ulp", tie_on_moved_edge, None),
        edit("log-auto", "x-log-outer-edge-1ulp", lambda o: set_edge(o, 0, nudge_ulps(o["edges"][0], -1)), "edge[0]"),
        edit("log-auto", "x-log-inner-edge-2ulps", lambda o: set_edge(o, 3, nudge_ulps(o["edges"][3], 2)), None),
        edit("binwidth", "x-binwidth-off", lambda o: move_edge(o, 0.01), "multiples of binwidth"),
        edit("fd-capped", "x-cap-ignored", lambda o: o.__setitem__("edges", o["edges"][:-1]), "numpy 'fd' (asks"),
        edit("kde-count", "x-count-plus-one", lambda o: s0(o)["counts"].__setitem__(4, s0(o)["counts"][4] + 1), "counts vs numpy.histogram"),
        edit("sturges-density-cumulative", "x-cumulative-off", lambda o: s0(o)["heights"].__setitem__(3, s0(o)["heights"][3] * (1 + 1e-9)), "cumulative heights"),
        edit("rice-percent", "x-height-off", lambda o: s0(o)["heights"].__setitem__(2, s0(o)["heights"][2] * (1 + 1e-10)), "heights[2]"),
        edit("rice-percent", "x-height-1e-14", lambda o: s0(o)["heights"].__setitem__(2, s0(o)["heights"][2] * (1 + 1e-14)), None),
        edit("auto-two-series", "x-mean-mark", lambda o: s0(o)["marks"][0].__setitem__("value", s0(o)["marks"][0]["value"] + 1e-9), "mark mean"),
        edit("auto-two-series", "x-p90-3ulps", lambda o: s0(o)["marks"][2].__setitem__("value", nudge_ulps(s0(o)["marks"][2]["value"], 3)), "mark p90"),
        edit("auto-two-series", "x-p90-1ulp", lambda o: s0(o)["marks"][2].__setitem__("value", nudge_ulps(s0(o)["marks"][2]["value"], 1)), None),
        edit("auto-two-series", "x-mark-name", lambda o: s0(o)["marks"][3].__setitem__("name", "2.50"), "marks are"),
        edit("log-binwidth", "x-mark-spelling", lambda o: s0(o)["marks"][1].__setitem__("name", "1e+20"), "marks are"),
        edit("prebinned", "x-binned-median", lambda o: s0(o)["marks"][1].__setitem__("value", s0(o)["marks"][1]["value"] + 1e-6), "mark median"),
        edit("kde-count", "x-kde-bump", bump_kde, "kde vs scipy"),
        edit("kde-none", "x-kde-not-empty", lambda o: o["series"][2].__setitem__("kde", [[7.0, 1.0]]), "without spread"),
        edit("auto-two-series", "x-std", lambda o: s0(o)["summary"].__setitem__("std_dev", s0(o)["summary"]["std_dev"] * (1 + 1e-8)), "std_dev"),
        edit("edges-below-above", "x-below", lambda o: s0(o)["summary"].__setitem__("below", s0(o)["summary"]["below"] + 1), "summary.below"),
        edit("auto-two-series", "x-legacy-bins", lambda o: o["bins"][1].__setitem__("count", o["bins"][1]["count"] + 1), "legacy bins"),
        edit("prebinned", "x-no-heights", lambda o: s0(o).pop("heights"), "has no 'heights'"),
        edit("auto-two-series", "x-label", lambda o: o["series"][1].__setitem__("label", "c"), "label"),
    ]


# -------------------------------------------------------------------- run


def run(path):
    p = subprocess.run([sys.executable, CHECK, path], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def verdicts(stdout):
    lines = {}
    for line in stdout.splitlines():
        if line.startswith("ok "):
            lines[line[3:]] = None
        elif line.startswith("FAIL "):
            name, _, reason = line[5:].partition(": ")
            lines[name] = reason
    return lines


def notes(stdout, name):
    lines = stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line in (f"ok {name}",) or line.startswith(f"FAIL {name}: "))
    out = []
    for line in lines[at + 1:]:
        if not line.startswith("  note: "):
            break
        out.append(line)
    return out


def main():
    cases = good_cases()
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.json")
        with open(good, "w") as f:
            json.dump(cases, f)
        code, out, err = run(good)
        assert code == 0, f"good cases: exit {code}\n{out}{err}"
        assert out.splitlines()[-1] == f"{len(cases)} passed, 0 failed", out
        print(f"good: {len(cases)} cases pass (exit 0); {out.splitlines()[-2]}")

        changed = perturbations(cases)
        bad = os.path.join(tmp, "perturbed.json")
        with open(bad, "w") as f:
            json.dump(cases + [c for c, _ in changed], f)
        code, out, err = run(bad)
        assert code == 1, f"perturbed cases: exit {code}\n{out}{err}"
        seen = verdicts(out)
        for c in cases:
            assert seen.get(c["name"], "missing") is None, f"{c['name']} should pass:\n{out}"
        for c, expect in changed:
            reason = seen.get(c["name"], "missing")
            if expect is None:
                assert reason is None, f"{c['name']} is within tolerance but failed: {reason}"
            else:
                assert reason is not None and expect in reason, f"{c['name']}: expected {expect!r} in {reason!r}"
        assert any("within 8 ulps of an edge" in n for n in notes(out, "x-tie-edge-1ulp")), out
        failing = sum(1 for _, e in changed if e is not None)
        assert out.splitlines()[-1] == f"{len(cases) + len(changed) - failing} passed, {failing} failed", out
        print(f"perturbed: {failing} changed copies fail for the expected reason, "
              f"{len(changed) - failing} changed within tolerance pass (exit 1)")

        malformed = [
            ("not-a-list", {"name": "x"}),
            ("twice", [dict(cases[0], query=cases[0]["query"] + "&bins=10&bins=11")]),
            ("series-disagree", [dict(cases[0], series=[[1.0], [2.0]])]),
            ("bad-number", [dict(cases[0], query=cases[0]["query"] + "&range=0,abc")]),
        ]
        for name, content in malformed:
            path = os.path.join(tmp, name + ".json")
            with open(path, "w") as f:
                json.dump(content, f)
            code, out, err = run(path)
            assert code == 2 and "malformed input" in err, f"{name}: exit {code}\n{out}{err}"
        print(f"malformed: {len(malformed)} inputs exit 2")
    print("selftest ok")


if __name__ == "__main__":
    main()
