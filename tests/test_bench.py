"""make bench's verdicts (casegen.bench.targets): each target met or missed, and a miss says what stands in the way."""

from casegen import bench


def _size(cases: int, cold_s: float) -> dict:
    return {"cases": cases, "cold_s": cold_s, "cold_generate_s": cold_s * 0.7, "cold_charts_s": cold_s * 0.5,
            "cold_mkdocs_s": cold_s * 0.3, "cold_chart_jobs": 5000, "pages": 4000, "bare_mkdocs_s": 150.0,
            "warm_overhead": 0.1, "warm_s": 165.0, "edit_vs_cold_generation": 0.01, "edit_generate_s": 1.0,
            "charts_real": False, "estimated": False}


def _cold(results: dict) -> dict:
    return next(t for t in bench.targets(results) if t["target"].startswith("whole site at 1,000 cases"))


def test_a_missed_cold_build_names_mkdocs_alone_and_the_charts_per_job_on_every_core():
    verdict = _cold({"cpus": 2, "sizes": [_size(1000, 1000.0)]})
    assert not verdict["met"]
    # 500 s of charts on 2 cores for 5,000 jobs: 0.20 s of one core each
    assert "bare mkdocs build of the same 4,000 pages takes 150 s" in verdict["shown"]
    assert "in 0.20 s of one core, 5,000 jobs on 2 cores" in verdict["shown"]


def test_a_met_cold_build_says_only_its_parts():
    verdict = _cold({"cpus": 2, "sizes": [_size(1000, 170.0)]})
    assert verdict["met"]
    assert "in the way" not in verdict["shown"]
