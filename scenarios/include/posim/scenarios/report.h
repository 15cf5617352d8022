// Reports of a run (DESIGN.md §7, normative core): JSON, JUnit XML, CSV, the human summary, and
// merging shard reports.
#pragma once

#include <string>
#include <vector>

#include "posim/base/json.h"
#include "posim/base/status.h"
#include "posim/scenarios/runner.h"

namespace posim::scenarios {

// {"posim_report": 1, "scenario", "file", "seed", "passed", "steps": [...], "transactions":
// [...], "summary": {...}, "what_if": {...}}. Several runs (a suite) go in one report as
// {"posim_report": 1, "passed", "runs": [<one report each>], "summary"} — see suiteReport.
// Amounts are decimal strings, times ISO 8601 with offset, dates YYYY-MM-DD, null where a value
// does not apply; PANs masked. Apart from auth_latency_ms and the latency distributions, the
// text is identical for the same scenario and seed.
Json runReport(const RunResult& run);
Json suiteReport(const std::vector<RunResult>& runs);

// JUnit XML as Jenkins, GitLab and GitHub reporters read it: one <testsuite> per scenario, one
// <testcase> per step (classname = scenario name, name = step id), <failure> with expected vs
// actual, <skipped/> for skipped steps.
std::string junitReport(const std::vector<RunResult>& runs);

// One CSV row per transaction (RFC 4180 quoting), header row first; the columns are the keys of
// a report transaction plus "scenario".
std::string csvReport(const std::vector<RunResult>& runs);

// The human summary printed at the end of `posim run`: per type count, approved, latency p50/p95,
// arrival delay p50/p95, money arriving per day, and the failures.
std::string textSummary(const std::vector<RunResult>& runs);

// Joins shard reports (each a runReport or suiteReport) into one suiteReport; errors name the
// offending input.
Result<Json> mergeReports(const std::vector<Json>& reports);

}  // namespace posim::scenarios
