// Business calendars (examples/calendars/) and settlement policies from YAML into the plain types
// of posim_settlement (DESIGN.md §5, §6).
//
// A calendar file (every key optional; `name` defaults to the file's stem, "inline" for an inline
// calendar):
//
//   name: cn-2026
//   description: China mainland 2026 public holidays and make-up workdays
//   source: State Council notice 国办发明电〔2025〕7号 of 2025-11-04
//   weekend: [sat, sun]                   # default; mon..sun or monday..sunday, any case
//   holidays:
//     - 2026-01-01                        # one day
//     - {from: 2026-10-01, to: 2026-10-07, name: National Day}   # a range, both ends included
//   workdays: [2026-09-20, 2026-10-10]    # make-up working days (the same two forms)
//
// Errors: a range whose `to` is before its `from` or longer than 366 days, a date listed both
// as a holiday and as a workday, and a weekend of all seven days.
// A date listed twice in one list is a warning.
//
// A settlement policy (the `settlement:` block of an acquirer or a merchant; every key optional,
// defaults those of settlement::Policy, i.e. DESIGN.md §5):
//
//   settlement:
//     cycle: T+1                  # T+n, D+n or instant
//     cutoff: "23:00"             # HH:MM or HH:MM:SS, local time
//     payout: ["09:00", "15:00"]  # one time or a list; sorted, duplicates removed
//     instant_delay: 30s
//     fee: {rate: 0.006, fixed: "0.50", min: "0.00", max: "20.00"}   # rate also "0.6%"
//     review: {threshold: "50000.00", extra_business_days: 2}
//     refund_cycle: T+3
//     hold_expiry: 30d
//
// Amounts are decimal strings in the merchant currency. Unknown keys are errors with a "did you
// mean" hint; every diagnostic names file:line:column.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "posim/base/money.h"
#include "posim/scenarios/diagnostic.h"
#include "posim/scenarios/document.h"
#include "posim/scenarios/resolver.h"
#include "posim/settlement/calendar.h"
#include "posim/settlement/policy.h"

namespace posim::scenarios {

// Reads a calendar from a file's root or an inline mapping. `default_name` is used when the
// mapping has no `name`. std::nullopt when diagnostics got errors.
std::optional<settlement::Calendar> readCalendar(const Node& node, Diagnostics& diagnostics,
                                                 std::string_view default_name = "inline");

// Resolves a `calendar:` value (a name such as `cn-2026`, a path relative to the referring file,
// or an inline mapping) through `resolver` and reads it. A file-based calendar without `name`
// takes the file's stem. REQUIRES: `reference` belongs to a document opened through `resolver`.
std::optional<settlement::Calendar> resolveCalendar(const Node& reference, Resolver& resolver,
                                                    Diagnostics& diagnostics);

// Loads a calendar by name ("cn-2026": examples/calendars/cn-2026.yaml) or path (relative to the
// current directory).
LoadResult<settlement::Calendar> loadCalendar(std::string_view name_or_path, Resolver& resolver);
// Loads a calendar from a `calendar:` node (name, path or inline mapping); see resolveCalendar.
LoadResult<settlement::Calendar> loadCalendar(const Node& reference, Resolver& resolver);
// Loads a calendar file.
LoadResult<settlement::Calendar> loadCalendar(const std::filesystem::path& path);

// The calendar names available in the resolver's example roots (file stems, sorted).
std::vector<std::string> availableCalendars(const Resolver& resolver);

// Reads a `settlement:` block. Keys absent from the block keep their value in `defaults` (the
// acquirer's policy when reading a merchant override). Amounts are read in `currency`.
// `extra_keys` are accepted in the mapping without being read (the caller reads them: `name` of
// a scenario's what_if entry). std::nullopt when diagnostics got errors.
std::optional<settlement::Policy> readSettlementPolicy(
    const Node& node, const Currency& currency, Diagnostics& diagnostics,
    const settlement::Policy& defaults = {}, std::span<const std::string_view> extra_keys = {});

}  // namespace posim::scenarios
