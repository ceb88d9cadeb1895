"""Reference values for the drift statistics (model-server/src/assess/stats), computed with SciPy.

Draws fixed vectors with a seeded NumPy Generator and writes
test/fixtures/drift-stats/reference.json with, for each case, the inputs and what SciPy returns:
  - ks: scipy.stats.ks_2samp(a, b) (method 'auto'), with the method SciPy used and, for 'asymp',
    which branch of kstwo.sf (scipy.stats._ksstats._kolmogn) produced the p-value;
  - kstwo: scipy.stats.kstwo.sf(x, n) on points chosen to reach every branch of _kolmogn;
  - smirnov: scipy.special.smirnov(n, x) on a grid;
  - chi2Sf: scipy.stats.chi2.sf(x, dof);
  - logGamma, gammaQ: scipy.special.gammaln(x) and gammaincc(a, x), the shared special functions;
  - chi2Contingency: scipy.stats.chi2_contingency(table) (Yates' correction when dof == 1);
  - fisher: scipy.stats.fisher_exact(table) (two-sided);
  - psi: the population stability index computed with NumPy by the same formula as psi.ts.
Samples are stored as ascending distinct values with their counts. Values are rounded so that
samples have ties. Non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".

Run in a throwaway virtualenv outside the repository:
  python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install numpy scipy
  /tmp/scipy-venv/bin/python scripts/reference/drift-stats.py
The project itself never needs Python.
"""

import json
import math
import pathlib
import platform
import warnings

import numpy as np
import scipy
import scipy.special
import scipy.stats as stats
from scipy.stats import _ksstats

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "drift-stats" / "reference.json"

rng = np.random.default_rng(20240611)


def num(x):
    """A JSON-safe float: non-finite values become strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def compact(sample):
    """A sample as ascending distinct values and their counts."""
    values, counts = np.unique(np.asarray(sample, dtype=np.float64), return_counts=True)
    return {"values": [float(v) for v in values], "counts": [int(c) for c in counts]}


class KolmognBranches:
    """Records which algorithm of _kolmogn ran, by wrapping the module's helpers."""

    def __init__(self):
        self.calls = []

    def __enter__(self):
        self.saved = (_ksstats._kolmogn_DMTW, _ksstats._kolmogn_Pomeranz,
                      _ksstats._kolmogn_PelzGood, scipy.special.smirnov)

        def wrap(name, fn):
            def wrapped(*args, **kwargs):
                self.calls.append(name)
                return fn(*args, **kwargs)
            return wrapped

        _ksstats._kolmogn_DMTW = wrap("durbin", self.saved[0])
        _ksstats._kolmogn_Pomeranz = wrap("pomeranz", self.saved[1])
        _ksstats._kolmogn_PelzGood = wrap("pelz-good", self.saved[2])
        scipy.special.smirnov = wrap("smirnov", self.saved[3])
        return self

    def __exit__(self, *exc):
        (_ksstats._kolmogn_DMTW, _ksstats._kolmogn_Pomeranz,
         _ksstats._kolmogn_PelzGood, scipy.special.smirnov) = self.saved

    def branch(self):
        # No helper ran: an edge (x <= 0.5/n, Ruben-Gambino, x >= 1, n x^2 >= 370).
        return self.calls[-1] if self.calls else "closed-form"


def ks_case(name, a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with warnings.catch_warnings(record=True) as caught, KolmognBranches() as branches:
        warnings.simplefilter("always")
        result = stats.ks_2samp(a, b)
    fell_back = any("Exact calculation unsuccessful" in str(w.message) for w in caught)
    exact = max(len(a), len(b)) <= 10000 and not fell_back
    return {
        "name": name,
        "a": compact(a),
        "b": compact(b),
        "statistic": num(result.statistic),
        "pValue": num(result.pvalue),
        "method": "exact" if exact else "asymp",
        "kolmognBranch": None if exact else branches.branch(),
    }


def nearly_identical(n, moved):
    """A sample and a copy of it with `moved` values shifted past the maximum: D = moved / n."""
    a = np.round(rng.normal(0.0, 1.0, n), 2)
    b = a.copy()
    b[:moved] = np.round(a.max() + 1.0 + np.arange(moved) / 100.0, 2)
    return a, b


def ks_cases():
    normal = lambda n, loc=0.0, scale=1.0, decimals=2: np.round(rng.normal(loc, scale, n), decimals)
    cases = [
        # exact, n1 == n2
        ks_case("exact equal sizes, same distribution", normal(200), normal(200)),
        ks_case("exact equal sizes, shifted", normal(300), normal(300, 0.4)),
        ks_case("exact equal sizes, tiny p", normal(1000), normal(1000, 1.5)),
        ks_case("exact equal sizes, heavy ties", rng.integers(0, 4, 60), rng.integers(0, 4, 60)),
        ks_case("exact equal sizes, disjoint", normal(40), normal(40) + 100),
        ks_case("exact equal sizes, identical", np.arange(25.0), np.arange(25.0)),
        ks_case("exact both of size 1", [1.0], [2.0]),
        ks_case("exact both of size 1, equal", [3.0], [3.0]),
        # _compute_prob_outside_square returns a value above 1: SciPy falls back to asymp
        ks_case("exact falls back to asymp", np.arange(37.0),
                np.concatenate([np.arange(36.0) + 0.5, [136.0]])),
        # exact, n1 != n2
        ks_case("exact unequal sizes, same distribution", normal(150), normal(100)),
        ks_case("exact unequal sizes, shifted", normal(120), normal(370, 0.5)),
        ks_case("exact unequal sizes, tiny p", normal(500), normal(800, 2.0)),
        ks_case("exact unequal sizes, p near 1", rng.integers(0, 3, 90), rng.integers(0, 3, 140)),
        ks_case("exact small sizes", normal(3), normal(7)),
        ks_case("exact sample of size 1", [0.25], normal(50)),
        ks_case("exact 1500 vs 10000", normal(1500, 0, 1, 1), normal(10000, 0.05, 1, 1)),
        ks_case("exact 1500 vs 10000, shifted", normal(1500, 0, 1, 1), normal(10000, 0.3, 1, 1)),
        ks_case("exact sample of size 1 vs 10000", [0.5], normal(10000, 0, 1, 1)),
        # asymp: max(n1, n2) > 10000; en = round(n1 n2 / (n1 + n2)) picks the kstwo branch
        ks_case("asymp same distribution", normal(20000, 0, 1, 1), normal(15000, 0, 1, 1)),
        ks_case("asymp nearly identical samples, durbin", *nearly_identical(20000, 30)),
        ks_case("asymp samples differing in two rows", *nearly_identical(20000, 2)),
        ks_case("asymp identical samples", np.round(np.arange(20000) / 7.0, 1),
                np.round(np.arange(20000) / 7.0, 1)),
        ks_case("asymp small shift", normal(20000), normal(15000, 0.02)),
        ks_case("asymp moderate shift", normal(20000), normal(15000, 0.1)),
        ks_case("asymp large shift", normal(20000), normal(15000, 1.0)),
        ks_case("asymp 1M live vs 1500 training",
                normal(1500, 0, 1, 2), np.round(rng.normal(0.03, 1.05, 1_000_000), 3)),
        ks_case("asymp 1M live vs 1500 training, drifted",
                normal(1500, 0, 1, 2), np.round(rng.normal(0.4, 1.0, 1_000_000), 3)),
        ks_case("asymp sample of size 1", [0.1], normal(20000)),
        ks_case("asymp sample of size 1, outside", [9.0], normal(20000)),
        ks_case("asymp sample of size 2", [-0.1, 0.2], normal(20000)),
        ks_case("asymp sample of size 3", [-0.5, 0.0, 0.9], normal(20000)),
        ks_case("asymp sample of size 3, far", [2.9, 3.0, 3.1], normal(20000)),
        ks_case("asymp small sample, pomeranz", normal(50, 0.3), normal(20000)),
        ks_case("asymp small sample, smirnov", normal(50, 1.0), normal(20000)),
        ks_case("asymp small sample, durbin", normal(50), normal(20000)),
        ks_case("asymp small sample, pomeranz, p near 1", np.round(np.linspace(-2, 2, 120), 2), normal(12000)),
    ]
    return cases


def kstwo_cases():
    """kstwo.sf on points that reach each branch of _kolmogn."""
    points = []
    for n in [1, 2, 3, 5, 10, 37, 100, 140]:
        for x in np.concatenate([np.linspace(0.001, 0.999, 41), [0.5 / n, 1.0 / n, 1 - 1.0 / n]]):
            points.append((n, float(x)))
    for n in [141, 500, 1498, 8571, 60000, 100000, 100001, 250000, 1000000, 2000000]:
        # n x^2 from 0.05 to 20 and the edges
        for z in np.concatenate([np.linspace(0.05, 4.5, 30), [5.0, 8.0, 12.0, 19.0, 19.3]]):
            points.append((n, float(z / math.sqrt(n))))
        for x in [0.75 / n, 1.0 / n, 1.4 / n, 0.45, 0.5, 0.7]:
            points.append((n, float(x)))
    out = []
    for n, x in points:
        with KolmognBranches() as branches:
            sf = stats.kstwo.sf(x, n)
        out.append({"n": n, "x": x, "sf": num(sf), "branch": branches.branch()})
    return out


def smirnov_cases():
    out = []
    for n in [1, 2, 3, 4, 7, 10, 25, 100, 140, 141, 1000, 5000, 100000, 1000000, 1000001, 3000000]:
        xs = np.concatenate([np.linspace(0.0, 1.0, 41), [0.5 / n, 1.0 / n, 2.5 / n, 1 - 1.0 / n],
                             np.linspace(0.2, 3.0, 15) / math.sqrt(n)])
        for x in xs:
            x = float(min(max(x, 0.0), 1.0))
            out.append({"n": n, "x": x, "sf": num(scipy.special.smirnov(n, x))})
    return out


def chi2_sf_cases():
    out = []
    for dof in [1, 2, 3, 4, 5, 9, 10, 30, 99, 1000]:
        for x in [0.0, 1e-8, 0.01, 0.5, 1.0, 2.5, float(dof), dof + 0.5, 2.0 * dof, 10.0 * dof + 20,
                  60.0, 200.0, 600.0, 1200.0]:
            out.append({"x": x, "dof": dof, "sf": num(stats.chi2.sf(x, dof))})
    return out


def log_gamma_cases():
    xs = [1e-8, 0.001, 0.1, 0.3, 0.5, 0.9, 0.999, 1.0, 1.001, 1.5, 1.999, 2.0, 2.001, 2.5, 3.0, 7.5, 14.5,
          15.0, 15.5, 30.0, 100.5, 1e3, 12345.6, 1e6, 1e6 + 1, 1e9]
    return [{"x": x, "value": num(scipy.special.gammaln(x))} for x in xs]


def gamma_q_cases():
    out = []
    for a in [0.5, 1.0, 2.5, 10.0, 50.0, 500.0, 5000.0]:
        for x in [1e-6, 0.1, 1.0, a - 1 if a > 1 else a / 2, a, a + 1, a + 3 * math.sqrt(a) + 1, 3 * a + 40]:
            out.append({"a": a, "x": x, "q": num(scipy.special.gammaincc(a, x))})
    return out


def chi2_contingency_cases():
    tables = [
        [[10, 20], [30, 40]],
        [[5, 5], [5, 5]],
        [[5, 6], [5, 5]],
        [[1, 0], [0, 1]],
        [[0, 7], [3, 1]],
        [[12, 1302], [4500, 995500]],
        [[150000, 130000], [120000, 160000]],
        [[2_000_000, 1_000_000], [1_000_000, 2_000_000]],
        [[10, 20, 30], [15, 25, 20]],
        [[1, 2, 0, 4], [3, 0, 1, 1]],
        [[120, 90, 40, 11, 3], [130, 70, 55, 9, 0]],
        [[500000, 300000, 200000], [498000, 303000, 199000]],
        [[5_000_000, 3_000_000, 2_000_000], [4_000_000, 4_000_000, 2_000_000]],
        [[10, 20, 30, 40]],
        [[3, 4, 5], [6, 7, 8], [1, 9, 2]],
    ]
    for k in [2, 3, 6, 10]:
        tables.append(rng.integers(0, 50, (2, k)).tolist())
        tables.append(rng.integers(1000, 100000, (2, k)).tolist())
    out = []
    for table in tables:
        r = stats.chi2_contingency(table)
        out.append({"table": table, "statistic": num(r.statistic), "pValue": num(r.pvalue),
                    "dof": int(r.dof)})
    return out


def fisher_cases():
    tables = [
        [[8, 2], [1, 5]],
        [[1, 9], [11, 3]],
        [[0, 5], [5, 0]],
        [[0, 5], [0, 7]],
        [[0, 0], [3, 4]],
        [[3, 0], [4, 0]],
        [[0, 1], [1, 0]],
        [[5, 5], [5, 5]],
        [[7, 3], [3, 7]],
        [[2, 7], [8, 2]],
        [[3, 1], [1, 3]],
        [[10, 0], [0, 10]],
        [[100, 0], [0, 100]],
        [[0, 12], [9, 0]],
        [[4, 0], [9, 15]],
        [[12, 1302], [4500, 995500]],
        [[1, 1302], [4500, 995500]],
        [[40, 1302], [4500, 995500]],
        [[250, 1250], [3100, 16900]],
        [[500, 520], [510, 480]],
    ]
    for _ in range(12):
        tables.append(rng.integers(0, 30, (2, 2)).tolist())
    out = []
    for table in tables:
        r = stats.fisher_exact(table)
        out.append({"table": table, "oddsRatio": num(r.statistic), "pValue": num(r.pvalue)})
    return out


def psi(expected, actual, epsilon=1e-4):
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    e = np.maximum(e / e.sum(), epsilon)
    a = np.maximum(a / a.sum(), epsilon)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_cases():
    pairs = [
        ([100, 200, 300, 400], [100, 200, 300, 400], None),
        ([100, 200, 300, 400], [110, 190, 320, 380], None),
        ([10, 0, 30, 60], [5, 5, 30, 60], None),
        ([10, 0, 30, 60], [5, 5, 30, 60], 1e-6),
        ([0, 50, 50], [50, 50, 0], None),
        ([1, 1], [1_000_000, 1], 0.001),
        ([1500, 0, 0, 3], [400_000, 300_000, 299_000, 1000], None),
    ]
    for k in [5, 10, 20]:
        expected = rng.integers(0, 500, k)
        pairs.append((expected.tolist(), (expected * 200 + rng.integers(0, 20_000, k)).tolist(), None))
    out = []
    for expected, actual, epsilon in pairs:
        value = psi(expected, actual) if epsilon is None else psi(expected, actual, epsilon)
        case = {"expected": expected, "actual": actual, "psi": value}
        if epsilon is not None:
            case["epsilon"] = epsilon
        out.append(case)
    return out


def main():
    fixture = {
        "generator": "scripts/reference/drift-stats.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__,
                     "scipy": scipy.__version__},
        "ks": ks_cases(),
        "kstwo": kstwo_cases(),
        "smirnov": smirnov_cases(),
        "chi2Sf": chi2_sf_cases(),
        "logGamma": log_gamma_cases(),
        "gammaQ": gamma_q_cases(),
        "chi2Contingency": chi2_contingency_cases(),
        "fisher": fisher_cases(),
        "psi": psi_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
    size = OUT.stat().st_size
    branches = {}
    for case in fixture["ks"] + fixture["kstwo"]:
        key = case.get("kolmognBranch", case.get("branch"))
        branches[key] = branches.get(key, 0) + 1
    print(f"wrote {OUT.relative_to(ROOT)} ({size / 1e6:.2f} MB); kolmogn branches: {branches}")


if __name__ == "__main__":
    main()
