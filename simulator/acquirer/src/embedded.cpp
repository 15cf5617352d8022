#include "posim/acquirer/embedded.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <numbers>
#include <unordered_map>
#include <utility>

#include "posim/acquirer/iso8583_mapping.h"
#include "posim/base/crash_point.h"
#include "posim/base/pan.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/key_derivation.h"
#include "posim/emv/crypto/pin_block.h"
#include "posim/emv/issuer_authenticator.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"

#include "trace_message.h"

namespace posim::acquirer {
namespace {

constexpr std::string_view kSource = "acquirer:embedded";
// z of the 95th percentile of the standard normal distribution.
constexpr double kZ95 = 1.6448536269514722;
constexpr std::size_t kScriptMacLength = 8;  // the virtual card's convention (virtual_card.h)

// '*' any run of characters, '?' one character.
bool globMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool isApprovalCode(std::string_view code) {
  return code == "00" || code == "10";
}

// DE 7 has a resolution of seconds: originals are matched on it.
std::int64_t epochSeconds(const LocalDateTime& t) {
  return std::chrono::floor<std::chrono::seconds>(t.instant).time_since_epoch().count();
}

std::string pad(std::uint64_t value, int width) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%0*llu", width, static_cast<unsigned long long>(value));
  return buffer;
}

// The PSN as the card derived its keys with: DE 23 when sent, else the profile's.
std::string psnFor(const Request& request, const emv::CardProfile& card) {
  return request.pan_sequence_number.empty() ? card.psn : request.pan_sequence_number;
}

std::string twoDigitPsn(const std::string& psn) {
  if (psn.size() > 2) return psn.substr(psn.size() - 2);
  if (psn.size() == 1) return "0" + psn;
  return psn.empty() ? "00" : psn;
}

bool needsAmount(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth ||
         type == TransactionType::kCompletion || type == TransactionType::kRefund;
}

bool checksCardStatus(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth ||
         type == TransactionType::kCompletion || type == TransactionType::kBalance;
}

bool countsForVelocity(TransactionType type) {
  return type == TransactionType::kSale || type == TransactionType::kPreauth;
}

// DE 14 "YYMM" before the month of the transmission date.
bool expiredBy(std::string_view yymm, const LocalDateTime& at) {
  if (yymm.size() != 4 || !isDigits(yymm)) return false;
  const int year = 2000 + (yymm[0] - '0') * 10 + (yymm[1] - '0');
  const unsigned month = static_cast<unsigned>((yymm[2] - '0') * 10 + (yymm[3] - '0'));
  const Date today = at.date();
  const int this_year = static_cast<int>(today.year());
  const unsigned this_month = static_cast<unsigned>(today.month());
  return year < this_year || (year == this_year && month < this_month);
}

}  // namespace

// ---- Latency ----

Duration LatencyModel::sample(Random& random) const {
  switch (kind) {
    case Kind::kFixed: return std::max(a, Duration{0});
    case Kind::kUniform: {
      const std::int64_t lo = std::max<std::int64_t>(a.count(), 0);
      const std::int64_t hi = std::max<std::int64_t>(b.count(), lo);
      return Duration{random.uniformInt(lo, hi)};
    }
    case Kind::kLogNormal: {
      if (a.count() <= 0) return Duration{0};
      const double mu = std::log(static_cast<double>(a.count()));
      const double sigma = b > a ? (std::log(static_cast<double>(b.count())) - mu) / kZ95 : 0.0;
      // Box-Muller: u1 in (0, 1] keeps the logarithm finite.
      const double u1 = 1.0 - random.uniformReal();
      const double u2 = random.uniformReal();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      // Capped at about 11.5 days, so that an extreme draw of a wide spread cannot overflow.
      const double micros = std::min(std::exp(mu + sigma * z), 1e12);
      return Duration{std::llround(micros)};
    }
  }
  return a;
}

Result<LatencyModel> parseLatencyModel(std::string_view text) {
  const auto usage = [&] {
    return invalidArgument("latency \"" + std::string(text) +
                           "\": expected DURATION, fixed:DURATION, uniform:MIN:MAX or "
                           "lognormal:MEDIAN:P95 (e.g. lognormal:120ms:800ms)");
  };
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  LatencyModel model;
  std::size_t first = 0;
  if (parts.size() == 1) {
    model.kind = LatencyModel::Kind::kFixed;
  } else if (parts[0] == "fixed" && parts.size() == 2) {
    model.kind = LatencyModel::Kind::kFixed;
    first = 1;
  } else if (parts[0] == "uniform" && parts.size() == 3) {
    model.kind = LatencyModel::Kind::kUniform;
    first = 1;
  } else if (parts[0] == "lognormal" && parts.size() == 3) {
    model.kind = LatencyModel::Kind::kLogNormal;
    first = 1;
  } else {
    return usage();
  }
  auto a = parseDuration(parts[first]);
  if (!a.isOk()) return usage();
  model.a = *a;
  model.b = *a;
  if (parts.size() == 3) {
    auto b = parseDuration(parts[2]);
    if (!b.isOk()) return usage();
    model.b = *b;
    if (model.b < model.a) {
      return invalidArgument("latency \"" + std::string(text) + "\": " + std::string(parts[2]) +
                             " is below " + std::string(parts[1]) +
                             "; give the smaller duration first");
    }
  }
  return model;
}

std::string formatLatencyModel(const LatencyModel& model) {
  switch (model.kind) {
    case LatencyModel::Kind::kFixed: return "fixed:" + formatDuration(model.a);
    case LatencyModel::Kind::kUniform:
      return "uniform:" + formatDuration(model.a) + ":" + formatDuration(model.b);
    case LatencyModel::Kind::kLogNormal:
      return "lognormal:" + formatDuration(model.a) + ":" + formatDuration(model.b);
  }
  return "fixed:" + formatDuration(model.a);
}

std::string_view accountStatusName(AccountStatus status) {
  switch (status) {
    case AccountStatus::kActive: return "active";
    case AccountStatus::kBlocked: return "blocked";
    case AccountStatus::kLost: return "lost";
    case AccountStatus::kStolen: return "stolen";
    case AccountStatus::kExpired: return "expired";
  }
  return "unknown";
}

// ---- The issuer ----

struct EmbeddedBackend::State {
  struct Card {
    Account account;
    int pin_tries_left = 0;
    std::vector<Hold> holds;
    struct Approval {
      Instant at;
      std::int64_t amount = 0;
    };
    std::vector<Approval> approvals;  // velocity

    std::int64_t heldAmount() const {
      std::int64_t sum = 0;
      for (const Hold& hold : holds) {
        if (!hold.released_at) sum += hold.amount.minorUnits();
      }
      return sum;
    }
    std::int64_t openToBuy() const { return account.balance.minorUnits() - heldAmount(); }
    Money money(std::int64_t minor) const { return Money(minor, account.balance.currency()); }
  };

  // What a processed request did, so a reversal can undo exactly that.
  struct Effect {
    std::optional<std::size_t> card;
    std::int64_t balance_delta = 0;
    std::optional<std::size_t> hold_placed;
    std::optional<std::size_t> hold_released;
    std::optional<std::size_t> cancelled_original;  // log index
    bool velocity = false;                          // an approval counted for velocity
  };

  // A request the host processed (reversals, echoes and settlements are not logged).
  struct Entry {
    TransactionType type = TransactionType::kSale;
    MessageKind kind = MessageKind::kRequest;
    std::string terminal_id;
    std::string stan;
    LocalDateTime transmitted_at;
    std::uint32_t batch_number = 0;
    std::int64_t amount = 0;  // minor units (for a cancel: the original's)
    std::string response_code;
    std::string authorization_code;
    std::string rrn;
    Effect effect;
    bool cancelled = false;
    bool reversed = false;
  };

  // The outcome being built for one request.
  struct Decision {
    std::string code;
    std::string message;
    bool decided() const { return !code.empty(); }
    void decline(std::string response_code, std::string why) {
      if (decided()) return;
      code = std::move(response_code);
      message = std::move(why);
    }
  };

  State(EmbeddedConfig c, Random& r, EventSink* e)
      : config(std::move(c)),
        random(r),
        latency_random(r.nextU64()),
        events(e),
        rule_uses(config.rules.size(), 0) {
    for (const Account& account : config.accounts) {
      if (by_pan.count(account.card.pan.digits()) != 0)
        continue;  // the first account of a PAN wins
      Card card;
      card.account = account;
      card.pin_tries_left = account.pin_try_limit;
      by_pan[account.card.pan.digits()] = cards.size();
      if (!account.name.empty()) by_name.emplace(account.name, cards.size());
      cards.push_back(std::move(card));
      authenticator.addCard(account.card);
    }
  }

  EmbeddedConfig config;
  Random& random;  // authorization codes
  // Modelled latency on a stream of its own, seeded by one draw at construction: the iso8583
  // client backend draws its host_time the same way, so a scenario run over TCP against
  // `posim host` advances the virtual clock exactly as the in-process run does.
  SeededRandom latency_random;
  EventSink* events;
  // The dialect traced messages are packed in (setTraceDialect); null: traces carry no bytes.
  std::shared_ptr<const iso8583::Dialect> trace_dialect;
  emv::IssuerAuthenticator authenticator;
  std::vector<Card> cards;
  std::map<std::string, std::size_t, std::less<>> by_pan;
  std::map<std::string, std::size_t, std::less<>> by_name;
  // The logged requests by sequence number (the order they were processed in): each terminal's
  // newest config.log_per_terminal ones. A sequence number whose entry was forgotten is not
  // found; settlement totals are kept apart (batch_totals), so forgetting never changes them.
  std::unordered_map<std::size_t, Entry> log;
  std::size_t next_sequence = 0;
  struct TerminalLog {
    std::deque<std::size_t> sequence;  // its logged requests, oldest first
    // STAN -> its logged requests, oldest first.
    std::unordered_map<std::string, std::vector<std::size_t>> by_stan;
    // Original STAN + "|" + DE 7 seconds -> the answer its first reversal got, oldest first.
    std::unordered_map<std::string, std::string> reversals;
    std::deque<std::string> reversal_order;
  };
  std::unordered_map<std::string, TerminalLog> terminal_logs;
  // The settlement totals of every terminal's batches, kept up to date as requests are logged,
  // cancelled and reversed: (terminal id, batch number) -> totals.
  std::map<std::pair<std::string, std::uint32_t>, BatchTotals> batch_totals;
  // When active holds expire: (card, hold) by expiry instant. Stale rows (holds released
  // otherwise) are skipped when they come up.
  std::multimap<Instant, std::pair<std::size_t, std::size_t>> expiries;
  std::vector<int> rule_uses;
  std::size_t request_count = 0;
  std::size_t reversal_count = 0;
  std::uint64_t rrn_sequence = 0;

  // -- look-ups --

  Card* findCard(std::string_view pan) {
    auto it = by_pan.find(pan);
    return it == by_pan.end() ? nullptr : &cards[it->second];
  }
  std::size_t indexOf(const Card& card) const {
    return static_cast<std::size_t>(&card - cards.data());
  }

  // A reversal's original within its terminal: STAN and DE 7 to the second.
  static std::string originalKey(std::string_view stan, const LocalDateTime& at) {
    return std::string(stan) + "|" + std::to_string(epochSeconds(at));
  }

  // The logged requests of a terminal with this STAN, oldest first; null when none.
  const std::vector<std::size_t>* entriesOf(const std::string& terminal_id,
                                            const std::string& stan) const {
    auto terminal = terminal_logs.find(terminal_id);
    if (terminal == terminal_logs.end()) return nullptr;
    auto it = terminal->second.by_stan.find(stan);
    return it == terminal->second.by_stan.end() ? nullptr : &it->second;
  }

  // The logged request with this sequence number; null when forgotten.
  Entry* entry(std::size_t sequence) {
    auto it = log.find(sequence);
    return it == log.end() ? nullptr : &it->second;
  }
  const Entry& logged(std::size_t sequence) const { return log.at(sequence); }
  Entry& logged(std::size_t sequence) { return log.at(sequence); }

  std::optional<std::size_t> findOriginal(const Request& request) const {
    if (!request.original) return std::nullopt;
    const OriginalData& original = *request.original;
    const auto* entries = entriesOf(request.terminal_id, original.stan);
    if (entries == nullptr) return std::nullopt;
    const bool timed = original.transmitted_at.instant.time_since_epoch().count() != 0;
    for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
      if (!timed ||
          epochSeconds(logged(*it).transmitted_at) == epochSeconds(original.transmitted_at)) {
        return *it;
      }
    }
    // A DE 7 that does not agree (a terminal that kept another time): the RRN or the
    // authorization code the host gave identifies the original as well.
    for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
      const Entry& entry = logged(*it);
      if ((!original.rrn.empty() && entry.rrn == original.rrn) ||
          (!original.authorization_code.empty() &&
           entry.authorization_code == original.authorization_code)) {
        return *it;
      }
    }
    return std::nullopt;
  }

  bool isDuplicate(const Request& request) const {
    const auto* entries = entriesOf(request.terminal_id, request.stan);
    if (entries == nullptr) return false;
    return std::any_of(entries->begin(), entries->end(), [&](std::size_t i) {
      return logged(i).type == request.type &&
             epochSeconds(logged(i).transmitted_at) == epochSeconds(request.transmitted_at);
    });
  }

  // A repeated advice (0221) is a resend of an advice the host may have applied already, with
  // the resend's own transmission time, so isDuplicate() does not see it: the terminal, STAN,
  // type and amount of an applied advice do.
  bool isRepeatedAdvice(const Request& request) const {
    if (!request.repeat) return false;
    const auto* entries = entriesOf(request.terminal_id, request.stan);
    if (entries == nullptr) return false;
    return std::any_of(entries->begin(), entries->end(), [&](std::size_t i) {
      const Entry& e = logged(i);
      return e.kind == MessageKind::kAdvice && e.type == request.type &&
             e.amount == request.amount.minorUnits();
    });
  }

  // What an entry adds to its batch's settlement totals (embedded.h: approved, not reversed;
  // a cancelled sale or completion is no debit).
  static BatchTotals contribution(const Entry& entry) {
    BatchTotals totals;
    if (entry.reversed || !isApprovalCode(entry.response_code)) return totals;
    switch (entry.type) {
      case TransactionType::kSale:
      case TransactionType::kCompletion:
        if (entry.cancelled) break;
        totals.debit_count = 1;
        totals.debit_amount = entry.amount;
        break;
      case TransactionType::kRefund:
        totals.credit_count = 1;
        totals.credit_amount = entry.amount;
        break;
      case TransactionType::kCancel:
        totals.cancel_count = 1;
        totals.cancel_amount = entry.amount;
        break;
      default: break;
    }
    return totals;
  }

  void addTotals(const Entry& entry, int sign) {
    const BatchTotals c = contribution(entry);
    if (c == BatchTotals{}) return;
    BatchTotals& t = batch_totals[{entry.terminal_id, entry.batch_number}];
    const auto count = [sign](std::uint32_t n) { return static_cast<std::uint32_t>(sign) * n; };
    t.debit_count += count(c.debit_count);
    t.debit_amount += sign * c.debit_amount;
    t.credit_count += count(c.credit_count);
    t.credit_amount += sign * c.credit_amount;
    t.cancel_count += count(c.cancel_count);
    t.cancel_amount += sign * c.cancel_amount;
  }

  // Changes a logged entry's flags with `change`, keeping its batch's totals right.
  template <typename Change>
  void amend(Entry& entry, Change change) {
    addTotals(entry, -1);
    change(entry);
    addTotals(entry, +1);
  }

  void addToLog(Entry entry) {
    const std::size_t sequence = next_sequence++;
    addTotals(entry, +1);
    TerminalLog& terminal = terminal_logs[entry.terminal_id];
    terminal.sequence.push_back(sequence);
    terminal.by_stan[entry.stan].push_back(sequence);
    log.emplace(sequence, std::move(entry));
    const std::size_t limit = config.log_per_terminal;
    while (limit != 0 && terminal.sequence.size() > limit) {
      const std::size_t oldest = terminal.sequence.front();
      terminal.sequence.pop_front();
      auto stan = terminal.by_stan.find(logged(oldest).stan);
      std::erase(stan->second, oldest);
      if (stan->second.empty()) terminal.by_stan.erase(stan);
      log.erase(oldest);
    }
  }

  // The answer a reversal of this original got, if one was processed (and not forgotten).
  const std::string* reversalAnswer(const std::string& terminal_id, const std::string& key) const {
    auto terminal = terminal_logs.find(terminal_id);
    if (terminal == terminal_logs.end()) return nullptr;
    auto it = terminal->second.reversals.find(key);
    return it == terminal->second.reversals.end() ? nullptr : &it->second;
  }

  void recordReversal(const std::string& terminal_id, const std::string& key,
                      const std::string& answer) {
    TerminalLog& terminal = terminal_logs[terminal_id];
    if (terminal.reversals.emplace(key, answer).second) terminal.reversal_order.push_back(key);
    const std::size_t limit = config.log_per_terminal;
    while (limit != 0 && terminal.reversal_order.size() > limit) {
      terminal.reversals.erase(terminal.reversal_order.front());
      terminal.reversal_order.pop_front();
    }
  }

  // -- holds --

  void expireHolds(const LocalDateTime& now) {
    while (!expiries.empty() && expiries.begin()->first <= now.instant) {
      const auto [card, index] = expiries.begin()->second;
      expiries.erase(expiries.begin());
      Hold& hold = cards[card].holds[index];
      if (hold.released_at) continue;
      hold.released_at =
          LocalDateTime{hold.placed_at.instant + config.hold_expiry, hold.placed_at.utc_offset};
      hold.release_reason = "expiry";
    }
  }

  void scheduleExpiry(const Card& card, std::size_t index) {
    expiries.emplace(card.holds[index].placed_at.instant + config.hold_expiry,
                     std::make_pair(indexOf(card), index));
  }

  // The hold a completion or cancel refers to: the pre-auth's own hold when the pre-auth is in
  // the log, else by authorization code (and STAN when given) among the card's holds.
  std::optional<std::size_t> findHold(const Card& card, const Request& request,
                                      std::optional<std::size_t> original) const {
    if (original && logged(*original).effect.hold_placed &&
        logged(*original).effect.card == indexOf(card)) {
      return logged(*original).effect.hold_placed;
    }
    if (!request.original) return std::nullopt;
    for (std::size_t i = card.holds.size(); i-- > 0;) {
      const Hold& hold = card.holds[i];
      const bool code_matches = !request.original->authorization_code.empty() &&
                                hold.authorization_code == request.original->authorization_code;
      const bool stan_matches =
          request.original->stan.empty() || hold.stan == request.original->stan;
      if (code_matches && stan_matches) return i;
    }
    return std::nullopt;
  }

  // -- effects --

  void applyBalance(Card& card, Effect& effect, std::int64_t delta) {
    card.account.balance = card.money(card.account.balance.minorUnits() + delta);
    effect.card = indexOf(card);
    effect.balance_delta += delta;
  }

  void placeHold(Card& card, Effect& effect, const Request& request, std::int64_t amount,
                 const std::string& authorization_code) {
    Hold hold;
    hold.stan = request.stan;
    hold.authorization_code = authorization_code;
    hold.amount = card.money(amount);
    hold.placed_at = request.transmitted_at;
    effect.card = indexOf(card);
    effect.hold_placed = card.holds.size();
    card.holds.push_back(std::move(hold));
    scheduleExpiry(card, *effect.hold_placed);
  }

  void releaseHold(Card& card, Effect& effect, std::size_t index, const LocalDateTime& at,
                   std::string reason) {
    Hold& hold = card.holds[index];
    hold.released_at = at;
    hold.release_reason = std::move(reason);
    effect.card = indexOf(card);
    effect.hold_released = index;
  }

  void recordApproval(Card& card, Effect& effect, const Request& request) {
    if (config.velocity.empty()) return;
    // Approvals older than the longest window never count again.
    Duration longest{0};
    for (const VelocityLimit& limit : config.velocity) longest = std::max(longest, limit.window);
    const Instant now = request.transmitted_at.instant;
    std::erase_if(card.approvals, [&](const auto& a) { return a.at <= now - longest; });
    card.approvals.push_back({now, request.amount.minorUnits()});
    effect.card = indexOf(card);
    effect.velocity = true;
  }

  // Undoes what a logged request did (a reversal).
  void undo(Entry& entry, const LocalDateTime& at) {
    const Effect& effect = entry.effect;
    amend(entry, [](Entry& e) { e.reversed = true; });
    if (!effect.card) return;
    Card& card = cards[*effect.card];
    card.account.balance = card.money(card.account.balance.minorUnits() - effect.balance_delta);
    if (effect.hold_placed) {
      Hold& hold = card.holds[*effect.hold_placed];
      if (!hold.released_at) {
        hold.released_at = at;
        hold.release_reason = "reversal";
      }
    }
    if (effect.hold_released) {
      Hold& hold = card.holds[*effect.hold_released];
      hold.released_at.reset();
      hold.release_reason.clear();
      scheduleExpiry(card, *effect.hold_released);
    }
    if (effect.cancelled_original) {
      if (Entry* cancelled = this->entry(*effect.cancelled_original)) {
        amend(*cancelled, [](Entry& e) { e.cancelled = false; });
      }
    }
    if (effect.velocity) {
      auto it = std::find_if(card.approvals.begin(), card.approvals.end(), [&](const auto& a) {
        return a.at == entry.transmitted_at.instant && a.amount == entry.amount;
      });
      if (it != card.approvals.end()) card.approvals.erase(it);
    }
  }

  // -- rules --

  // The first response-code rule that matches (and counts it). `explicit_only`: only rules that
  // name this request's type (echo, settle and reversals are never declined by accident).
  const ResponseRule* matchRule(const Request& request, const Card* card, bool explicit_only) {
    for (std::size_t i = 0; i < config.rules.size(); ++i) {
      const ResponseRule& rule = config.rules[i];
      if (explicit_only && !rule.type) continue;
      if (rule.type && *rule.type != request.type) continue;
      if (rule.card && (card == nullptr || card->account.name != *rule.card)) continue;
      if (rule.amount_pattern &&
          !globMatch(*rule.amount_pattern, request.amount.toDecimalString())) {
        continue;
      }
      if (rule.from && request.transmitted_at.instant < *rule.from) continue;
      if (rule.until && request.transmitted_at.instant >= *rule.until) continue;
      if (rule.times && rule_uses[i] >= *rule.times) continue;
      ++rule_uses[i];
      return &rule;
    }
    return nullptr;
  }

  void checkPin(const Request& request, Card& card, Decision& decision) {
    if (request.pin_block.empty() || card.account.online_pin.empty()) return;
    if (card.pin_tries_left <= 0) {
      decision.decline("75", "PIN tries exceeded");
      return;
    }
    if (config.pin_key.empty()) {
      decision.decline("96", "no PIN key configured at the issuer to decrypt DE 52");
      return;
    }
    auto pin = emv::crypto::decryptPin(emv::crypto::PinBlockFormat::kIso0, config.pin_key,
                                       request.pin_block, request.pan.digits());
    if (pin.isOk() && *pin == card.account.online_pin) {
      card.pin_tries_left = card.account.pin_try_limit;
      return;
    }
    --card.pin_tries_left;
    if (card.pin_tries_left <= 0) {
      decision.decline("75", "incorrect PIN; PIN tries exceeded");
    } else {
      decision.decline("55",
                       "incorrect PIN, " + std::to_string(card.pin_tries_left) + " tries left");
    }
  }

  void checkVelocity(const Request& request, const Card& card, Decision& decision) const {
    for (const VelocityLimit& limit : config.velocity) {
      int count = 0;
      std::int64_t amount = 0;
      for (const auto& approval : card.approvals) {
        if (approval.at > request.transmitted_at.instant - limit.window &&
            approval.at <= request.transmitted_at.instant) {
          ++count;
          amount += approval.amount;
        }
      }
      if (limit.max_count > 0 && count + 1 > limit.max_count) {
        decision.decline(limit.response_code.empty() ? "65" : limit.response_code,
                         "velocity: more than " + std::to_string(limit.max_count) +
                             " approvals within " + formatDuration(limit.window));
        return;
      }
      if (limit.max_amount && amount + request.amount.minorUnits() > *limit.max_amount) {
        decision.decline(limit.response_code.empty() ? "61" : limit.response_code,
                         "velocity: amount above " +
                             card.money(*limit.max_amount).toDecimalString() + " within " +
                             formatDuration(limit.window));
        return;
      }
    }
  }

  // -- issuer scripts (EMV Book 3 §10.10, Book 2 §9) --

  Result<Bytes> buildScripts(const Request& request, const Card& card,
                             const emv::ArqcCheck& check) const {
    const emv::CardProfile& profile = card.account.card;
    const emv::TlvDecodeResult decoded = emv::decodeTlv(request.icc_data);
    const emv::TlvNode* aid = emv::findTlv(decoded.nodes, emv::kTag84DfName);
    if (aid == nullptr) aid = emv::findTlv(decoded.nodes, emv::kTag4FApplicationIdentifier);
    const emv::CardApplication* app = nullptr;
    for (const emv::CardApplication& candidate : profile.applications) {
      if (aid != nullptr && ByteView(candidate.aid).size() == aid->value.size() &&
          std::equal(candidate.aid.begin(), candidate.aid.end(), aid->value.begin())) {
        app = &candidate;
      }
    }
    if (app == nullptr) return notFound("issuer script: the card has no application of DE 55");
    const std::string psn = twoDigitPsn(psnFor(request, profile));
    Bytes out;
    std::uint32_t script_number = 0;
    for (const ScriptRule& rule : config.scripts) {
      if (rule.card && *rule.card != card.account.name) continue;
      ++script_number;
      POSIM_ASSIGN_OR_RETURN(
          emv::crypto::IccMasterKey mk_smi,
          emv::crypto::deriveIccMasterKey(app->keys.imk_smi, profile.pan.digits(), psn));
      POSIM_ASSIGN_OR_RETURN(Bytes sk_smi, emv::crypto::deriveScriptSessionKey(
                                               app->keys.cvn, mk_smi.key, check.atc, check.arqc));
      Bytes header;
      Bytes data;
      switch (rule.command) {
        case ScriptRule::Command::kApplicationBlock: header = {0x84, 0x1E, 0x00, 0x00}; break;
        case ScriptRule::Command::kApplicationUnblock: header = {0x84, 0x18, 0x00, 0x00}; break;
        case ScriptRule::Command::kPutData: {
          const emv::TlvDecodeResult tlv = emv::decodeTlv(rule.put_data_tag_value);
          if (!tlv.ok() || tlv.nodes.size() != 1 || tlv.nodes[0].tag > 0xFFFF) {
            return invalidArgument(
                "issuer script PUT DATA: put_data_tag_value must be one "
                "TLV with a 1- or 2-byte tag (e.g. 9F58 01 03)");
          }
          const emv::Tag tag = tlv.nodes[0].tag;
          header = {0x04, 0xDA, static_cast<std::uint8_t>(tag >> 8),
                    static_cast<std::uint8_t>(tag & 0xFF)};
          data.assign(tlv.nodes[0].value.begin(), tlv.nodes[0].value.end());
          break;
        }
        case ScriptRule::Command::kPinChange: {
          // PIN CHANGE/UNBLOCK without the current PIN: the new PIN as an ISO 9564 format 2
          // block enciphered under SK-SMC (virtual_card.h).
          POSIM_ASSIGN_OR_RETURN(
              emv::crypto::IccMasterKey mk_smc,
              emv::crypto::deriveIccMasterKey(app->keys.imk_smc, profile.pan.digits(), psn));
          POSIM_ASSIGN_OR_RETURN(Bytes sk_smc,
                                 emv::crypto::deriveScriptSessionKey(app->keys.cvn, mk_smc.key,
                                                                     check.atc, check.arqc));
          POSIM_ASSIGN_OR_RETURN(emv::crypto::ClearPinBlock block,
                                 emv::crypto::buildClearPinBlock(emv::crypto::PinBlockFormat::kIso2,
                                                                 rule.new_pin, ""));
          const bool visa = emv::crypto::cvnName(app->keys.cvn).starts_with("visa");
          POSIM_ASSIGN_OR_RETURN(data, emv::crypto::encryptScriptData(
                                           visa ? emv::crypto::ScriptEncryption::kVisa
                                                : emv::crypto::ScriptEncryption::kMastercard,
                                           sk_smc, block.block));
          header = {0x84, 0x24, 0x00, 0x02};
          break;
        }
      }
      POSIM_ASSIGN_OR_RETURN(emv::crypto::IssuerScriptCommand command,
                             emv::crypto::buildIssuerScriptCommand(
                                 sk_smi, header, check.atc, check.arqc, data, kScriptMacLength));
      const Bytes script_id = writeBigEndian(script_number, 4);
      const std::vector<Bytes> commands = {command.apdu};
      POSIM_ASSIGN_OR_RETURN(Bytes script, emv::crypto::buildIssuerScriptTemplate(
                                               rule.template_tag, script_id, commands));
      append(out, script);
    }
    return out;
  }

  // -- answers --

  std::string authorizationCode() { return pad(random.uniform(999999) + 1, 6); }

  // YDDDhhNNNNNN (DOMAIN.md §4.3): year digit, day of the year and hour of the transmission
  // (local), and a sequence number.
  std::string retrievalReferenceNumber(const LocalDateTime& at) {
    using namespace std::chrono;
    const Date date = at.date();
    const auto day_of_year = (sys_days(date) - sys_days(date.year() / January / 1)).count() + 1;
    const auto hour = at.secondOfDay() / 3600;
    rrn_sequence = rrn_sequence % 999999 + 1;
    const int year = static_cast<int>(date.year());
    return std::to_string(((year % 10) + 10) % 10) +
           pad(static_cast<std::uint64_t>(day_of_year), 3) +
           pad(static_cast<std::uint64_t>(hour), 2) + pad(rrn_sequence, 6);
  }

  Entry newEntry(const Request& request) const {
    Entry entry;
    entry.type = request.type;
    entry.kind = request.kind;
    entry.terminal_id = request.terminal_id;
    entry.stan = request.stan;
    entry.transmitted_at = request.transmitted_at;
    entry.batch_number = request.batch_number;
    entry.amount = request.amount.minorUnits();
    return entry;
  }

  // -- per request type --

  Response process(const Request& request) {
    switch (request.type) {
      case TransactionType::kEcho: return echo(request);
      case TransactionType::kSettle: return settle(request);
      case TransactionType::kReversal: return reversal(request);
      default: break;
    }
    if (request.kind == MessageKind::kAdvice) return advice(request);
    return financial(request);
  }

  Response fromRule(const ResponseRule& rule) {
    Response response;
    response.response_code = rule.response_code;
    response.message =
        "response code on demand (" + std::string(responseCodeMeaning(rule.response_code)) + ")";
    return response;
  }

  Response echo(const Request& request) {
    if (const ResponseRule* rule = matchRule(request, nullptr, true)) return fromRule(*rule);
    Response response;
    response.response_code = "00";
    response.message = "echo";
    return response;
  }

  Response settle(const Request& request) {
    if (const ResponseRule* rule = matchRule(request, nullptr, true)) return fromRule(*rule);
    Response response;
    response.rrn = retrievalReferenceNumber(request.transmitted_at);
    if (!request.totals) {
      response.response_code = "30";
      response.message = "settlement request without batch totals (DE 74-89)";
      return response;
    }
    BatchTotals host;
    if (auto it = batch_totals.find({request.terminal_id, request.batch_number});
        it != batch_totals.end()) {
      host = it->second;
    }
    const BatchTotals& terminal = *request.totals;
    const bool balanced =
        terminal.debit_count == host.debit_count && terminal.debit_amount == host.debit_amount &&
        terminal.credit_count == host.credit_count && terminal.credit_amount == host.credit_amount;
    response.batch_balanced = balanced;
    response.host_totals = host;
    response.response_code = balanced ? "00" : "95";
    response.message = balanced
                           ? "batch " + std::to_string(request.batch_number) + " balanced"
                           : "batch " + std::to_string(request.batch_number) +
                                 " out of balance: host has " + std::to_string(host.debit_count) +
                                 " debits of " + std::to_string(host.debit_amount) + " and " +
                                 std::to_string(host.credit_count) + " credits of " +
                                 std::to_string(host.credit_amount) + " (minor units), terminal " +
                                 std::to_string(terminal.debit_count) + " / " +
                                 std::to_string(terminal.debit_amount) + " and " +
                                 std::to_string(terminal.credit_count) + " / " +
                                 std::to_string(terminal.credit_amount);
    return response;
  }

  Response reversal(const Request& request) {
    const bool advice = request.kind == MessageKind::kAdvice;
    Response response;
    response.rrn = retrievalReferenceNumber(request.transmitted_at);
    if (!advice) {
      if (const ResponseRule* rule = matchRule(request, findCard(request.pan.digits()), true)) {
        Response ruled = fromRule(*rule);
        ruled.rrn = response.rrn;
        return ruled;
      }
    }
    if (!request.original) {
      response.response_code = advice ? "00" : "30";
      response.message = "reversal without original data elements (DE 90)";
      return response;
    }
    const std::string key = originalKey(request.original->stan, request.original->transmitted_at);
    if (const std::string* answer = reversalAnswer(request.terminal_id, key)) {
      response.response_code = *answer;
      response.message = "repeated reversal of STAN " + request.original->stan +
                         ": already processed, nothing done again";
      return response;
    }
    const std::optional<std::size_t> original = findOriginal(request);
    if (!original) {
      response.response_code = advice ? "00" : "25";
      response.message = "reversal: original STAN " + request.original->stan + " of terminal " +
                         request.terminal_id + " not found";
    } else {
      Entry& entry = logged(*original);
      ++reversal_count;
      response.response_code = "00";
      if (entry.reversed) {
        response.message = "reversal: original already reversed";
      } else if (isApprovalCode(entry.response_code) || entry.kind == MessageKind::kAdvice) {
        undo(entry, request.transmitted_at);
        response.message = "reversal of " + std::string(transactionTypeName(entry.type)) +
                           " STAN " + entry.stan + " done";
      } else {
        amend(entry, [](Entry& e) { e.reversed = true; });
        response.message = "reversal of a declined " +
                           std::string(transactionTypeName(entry.type)) + ": nothing to undo";
      }
    }
    recordReversal(request.terminal_id, key, response.response_code);
    return response;
  }

  // An advice (0220): already done at the terminal; acknowledged with 00 and applied.
  Response advice(const Request& request) {
    Response response;
    response.response_code = "00";
    response.rrn = retrievalReferenceNumber(request.transmitted_at);
    if (isDuplicate(request) || isRepeatedAdvice(request)) {
      response.message = "repeated advice: already applied";
      return response;
    }
    Entry entry = newEntry(request);
    entry.response_code = "00";
    entry.rrn = response.rrn;
    const std::optional<std::size_t> original = findOriginal(request);
    Card* card = findCard(request.pan.digits());
    if (card == nullptr && original && logged(*original).effect.card) {
      card = &cards[*logged(*original).effect.card];
    }
    if (card == nullptr) {
      response.message = "advice acknowledged; unknown card, nothing applied";
      addToLog(std::move(entry));
      return response;
    }
    const std::int64_t amount = request.amount.minorUnits();
    switch (request.type) {
      case TransactionType::kSale:
        applyBalance(*card, entry.effect, -amount);
        recordApproval(*card, entry.effect, request);
        break;
      case TransactionType::kPreauth:
        placeHold(*card, entry.effect, request, amount, request.offline_authorization_code);
        recordApproval(*card, entry.effect, request);
        break;
      case TransactionType::kCompletion: {
        const auto hold = findHold(*card, request, original);
        if (hold && !card->holds[*hold].released_at) {
          releaseHold(*card, entry.effect, *hold, request.transmitted_at, "completion");
        }
        applyBalance(*card, entry.effect, -amount);
        break;
      }
      case TransactionType::kRefund: applyBalance(*card, entry.effect, amount); break;
      case TransactionType::kCancel: {
        Decision ignored;
        cancelOriginal(request, *card, original, entry, ignored);
        break;
      }
      default: break;
    }
    response.message = "advice acknowledged and applied";
    addToLog(std::move(entry));
    return response;
  }

  // Cancels a logged original on `card` (void, pre-auth cancellation, completion void).
  void cancelOriginal(const Request& request, Card& card, std::optional<std::size_t> original,
                      Entry& entry, Decision& decision) {
    if (!original) {
      decision.decline("25", "cancel: original STAN " +
                                 (request.original ? request.original->stan : std::string()) +
                                 " not found");
      return;
    }
    Entry& target = logged(*original);
    entry.amount = target.amount;
    if (!isApprovalCode(target.response_code)) {
      decision.decline("12", "cancel: the original was declined");
      return;
    }
    if (target.cancelled || target.reversed) {
      decision.decline("12", std::string("cancel: the original was already ") +
                                 (target.cancelled ? "cancelled" : "reversed"));
      return;
    }
    // The original's account, whatever card data the cancel carries.
    Card& owner = target.effect.card ? cards[*target.effect.card] : card;
    switch (target.type) {
      case TransactionType::kSale:
      case TransactionType::kCompletion: applyBalance(owner, entry.effect, target.amount); break;
      case TransactionType::kPreauth: {
        if (!target.effect.hold_placed) {
          decision.decline("12", "cancel: the pre-authorization placed no hold");
          return;
        }
        const Hold& hold = owner.holds[*target.effect.hold_placed];
        if (hold.released_at) {
          decision.decline("12",
                           "cancel: the hold was already released (" + hold.release_reason + ")");
          return;
        }
        releaseHold(owner, entry.effect, *target.effect.hold_placed, request.transmitted_at,
                    "cancel");
        break;
      }
      default:
        decision.decline("12", "cancel: a " + std::string(transactionTypeName(target.type)) +
                                   " cannot be cancelled");
        return;
    }
    amend(target, [](Entry& e) { e.cancelled = true; });
    entry.effect.cancelled_original = *original;
  }

  // Requests the host may approve or decline: the rules of embedded.h in their order.
  Response financial(const Request& request) {
    Response response;
    response.rrn = retrievalReferenceNumber(request.transmitted_at);
    Entry entry = newEntry(request);
    Decision decision;
    if (isDuplicate(request)) {
      response.response_code = "94";
      response.message = "duplicate transmission of STAN " + request.stan;
      return response;
    }

    // 1. Format.
    const bool references =
        request.type == TransactionType::kCompletion || request.type == TransactionType::kCancel;
    const std::optional<std::size_t> original = findOriginal(request);
    if (request.type == TransactionType::kCancel && !request.original) {
      decision.decline("30", "cancel without original data elements (DE 90)");
    }
    Card* card = findCard(request.pan.digits());
    if (card == nullptr && request.pan.empty() && references && original &&
        logged(*original).effect.card) {
      card = &cards[*logged(*original).effect.card];
    }
    if (card == nullptr) {
      if (request.pan.empty() && references) {
        decision.decline("25", "unable to locate the original transaction");
      } else {
        decision.decline("14", "unknown card " + request.pan.masked());
      }
    }
    if (needsAmount(request.type) && request.amount.minorUnits() <= 0) {
      decision.decline("13", "amount must be above zero");
    }

    // 2. Account status.
    if (card != nullptr && checksCardStatus(request.type)) {
      switch (card->account.status) {
        case AccountStatus::kActive: break;
        case AccountStatus::kBlocked: decision.decline("62", "restricted card (blocked)"); break;
        case AccountStatus::kLost: decision.decline("41", "card reported lost"); break;
        case AccountStatus::kStolen: decision.decline("43", "card reported stolen"); break;
        case AccountStatus::kExpired: decision.decline("54", "expired card"); break;
      }
      if (expiredBy(request.expiry_yymm, request.transmitted_at)) {
        decision.decline("54", "expired card (DE 14 " + request.expiry_yymm + ")");
      }
    }

    // 3. Response codes on demand.
    if (!decision.decided()) {
      if (const ResponseRule* rule = matchRule(request, card, false)) {
        decision.decline(rule->response_code,
                         "response code on demand (" +
                             std::string(responseCodeMeaning(rule->response_code)) + ")");
      }
    }

    // 4. Online PIN.
    if (card != nullptr && !decision.decided()) checkPin(request, *card, decision);

    // 5. ARQC. Verified whenever DE 55 is present, so that declines carry an ARPC too.
    std::optional<emv::ArqcCheck> check;
    std::string psn;
    if (card != nullptr && !request.icc_data.empty()) {
      psn = psnFor(request, card->account.card);
      check = authenticator.verifyArqc(request.pan.digits(), psn, request.icc_data);
      if (!check->verified && !config.ignore_arqc_failure) {
        decision.decline("05", "ARQC verification failed: " + check->reason);
      }
    }

    // 6. Velocity.
    if (card != nullptr && countsForVelocity(request.type) && !decision.decided()) {
      checkVelocity(request, *card, decision);
    }

    // 7. Funds, holds and the effect of the request.
    std::string authorization_code;
    if (card != nullptr && !decision.decided()) {
      const std::int64_t amount = request.amount.minorUnits();
      switch (request.type) {
        case TransactionType::kSale:
          if (amount > card->openToBuy()) {
            decision.decline("51", "insufficient funds: open to buy " +
                                       card->money(card->openToBuy()).toDecimalString());
          } else {
            applyBalance(*card, entry.effect, -amount);
          }
          break;
        case TransactionType::kPreauth:
          if (amount > card->openToBuy()) {
            decision.decline("51", "insufficient funds for the hold: open to buy " +
                                       card->money(card->openToBuy()).toDecimalString());
          } else {
            authorization_code = authorizationCode();
            placeHold(*card, entry.effect, request, amount, authorization_code);
          }
          break;
        case TransactionType::kCompletion: {
          const auto hold_index = findHold(*card, request, original);
          if (!hold_index) {
            decision.decline("25",
                             "completion: no pre-authorization hold with that "
                             "authorization code");
            break;
          }
          const Hold& hold = card->holds[*hold_index];
          const std::int64_t held = hold.amount.minorUnits();
          if (hold.released_at) {
            decision.decline("12", "completion: the pre-authorization hold was released (" +
                                       hold.release_reason + ")");
          } else if (amount * 100 > held * config.completion_max_percent) {
            decision.decline("13", "completion " + card->money(amount).toDecimalString() +
                                       " above " + std::to_string(config.completion_max_percent) +
                                       "% of the pre-authorization " +
                                       hold.amount.toDecimalString());
          } else if (amount > card->openToBuy() + held) {
            decision.decline("51", "insufficient funds for the completion");
          } else {
            releaseHold(*card, entry.effect, *hold_index, request.transmitted_at, "completion");
            applyBalance(*card, entry.effect, -amount);
          }
          break;
        }
        case TransactionType::kCancel:
          cancelOriginal(request, *card, original, entry, decision);
          break;
        case TransactionType::kRefund: applyBalance(*card, entry.effect, amount); break;
        case TransactionType::kBalance:
          response.ledger_balance = card->account.balance;
          response.available_balance = card->money(card->openToBuy());
          break;
        default: break;
      }
    }

    if (!decision.decided()) {
      decision.code = "00";
      decision.message = "approved";
      if (authorization_code.empty()) authorization_code = authorizationCode();
      if (countsForVelocity(request.type)) recordApproval(*card, entry.effect, request);
    }
    response.response_code = decision.code;
    response.message = decision.message;
    if (isApprovalCode(decision.code)) response.authorization_code = authorization_code;

    // The ARPC with the final response code, and issuer scripts for approvals.
    if (check && check->verified) {
      auto iad = authenticator.issuerAuthenticationData(request.pan.digits(), psn, request.icc_data,
                                                        *check, response.response_code);
      if (iad.isOk()) {
        response.icc_data = emv::encodeTlv(emv::kTag91IssuerAuthenticationData, *iad);
      } else {
        response.message += "; no ARPC: " + iad.status().message();
      }
      if (response.approved() && !config.scripts.empty()) {
        auto scripts = buildScripts(request, *card, *check);
        if (scripts.isOk()) {
          append(response.icc_data, *scripts);
        } else {
          response.message += "; issuer script not sent: " + scripts.status().message();
        }
      }
    }

    entry.response_code = response.response_code;
    entry.authorization_code = response.authorization_code;
    entry.rrn = response.rrn;
    addToLog(std::move(entry));
    return response;
  }

  // -- trace --

  void trace(TraceKind kind, Instant at, std::string summary, Bytes data = {}) const {
    if (events == nullptr) return;
    TraceEvent event;
    event.kind = kind;
    event.at = at;
    event.source = std::string(kSource);
    event.summary = std::move(summary);
    if (!data.empty() && trace_dialect != nullptr) {
      event.data = std::move(data);
      event.format = traceFormat(*trace_dialect);
    }
    events->onEvent(event);
  }

  static std::string describe(const Request& request) {
    std::string out = std::string(transactionTypeName(request.type));
    out += request.kind == MessageKind::kAdvice ? " advice" : " request";
    if (request.repeat) out += " (repeat)";
    if (!request.stan.empty()) out += " STAN " + request.stan;
    if (!request.terminal_id.empty()) out += " terminal " + request.terminal_id;
    if (!request.pan.empty()) out += " card " + request.pan.masked();
    if (needsAmount(request.type)) out += " amount " + request.amount.toString();
    if (request.original) out += " original STAN " + request.original->stan;
    if (!request.pin_block.empty()) out += ", online PIN";
    if (!request.icc_data.empty())
      out += ", DE 55 " + std::to_string(request.icc_data.size()) + " bytes";
    return out;
  }

  static std::string describe(const Request& request, const Response& response) {
    std::string out = std::string(transactionTypeName(request.type)) + " response " +
                      response.response_code + " " +
                      std::string(responseCodeMeaning(response.response_code));
    if (!response.authorization_code.empty()) out += ", auth code " + response.authorization_code;
    if (!response.rrn.empty()) out += ", RRN " + response.rrn;
    out += ", host time " + formatDuration(response.host_time);
    if (!response.message.empty()) out += " (" + response.message + ")";
    return out;
  }
};

EmbeddedBackend::EmbeddedBackend(EmbeddedConfig config, Random& random, EventSink* events)
    : state_(std::make_unique<State>(std::move(config), random, events)) {}

EmbeddedBackend::~EmbeddedBackend() = default;

Result<Response> EmbeddedBackend::send(const Request& request) {
  State& s = *state_;
  ++s.request_count;
  s.expireHolds(request.transmitted_at);
  // The messages are packed for the trace only: without a listener this costs nothing.
  const bool pack = s.events != nullptr && s.trace_dialect != nullptr;
  std::optional<iso8583::Message> message;
  if (pack) {
    if (auto built = requestToMessage(*s.trace_dialect, request); built.isOk()) {
      message = std::move(built).value();
    }
  }
  if (s.events != nullptr) {
    s.trace(TraceKind::kIso8583Request, request.transmitted_at.instant, State::describe(request),
            message ? traceBytes(*s.trace_dialect, *message) : Bytes{});
  }
  // Crash points (posim/base/crash_point.h): the request is in, nothing done; then done and
  // remembered (in memory), the answer not yet on its way.
  crashPoint("host.request_received");
  Response response = s.process(request);
  crashPoint("host.processed");
  response.host_time = s.config.latency.sample(s.latency_random);
  if (s.events != nullptr) {
    s.trace(TraceKind::kIso8583Response, request.transmitted_at.instant + response.host_time,
            State::describe(request, response),
            message ? traceBytes(*s.trace_dialect,
                                 responseToMessage(*s.trace_dialect, *message, response))
                    : Bytes{});
  }
  return response;
}

void EmbeddedBackend::setTraceDialect(std::shared_ptr<const iso8583::Dialect> dialect) {
  state_->trace_dialect = std::move(dialect);
}

std::optional<AccountView> EmbeddedBackend::account(std::string_view name_or_pan) const {
  const State& s = *state_;
  const State::Card* card = nullptr;
  if (auto it = s.by_name.find(name_or_pan); it != s.by_name.end()) {
    card = &s.cards[it->second];
  } else if (auto jt = s.by_pan.find(name_or_pan); jt != s.by_pan.end()) {
    card = &s.cards[jt->second];
  }
  if (card == nullptr) return std::nullopt;
  AccountView view;
  view.balance = card->account.balance;
  view.open_to_buy = card->money(card->openToBuy());
  view.pin_tries_left = card->pin_tries_left;
  view.status = card->account.status;
  view.holds = card->holds;
  return view;
}

std::size_t EmbeddedBackend::requestCount() const {
  return state_->request_count;
}

std::size_t EmbeddedBackend::reversalCount() const {
  return state_->reversal_count;
}

}  // namespace posim::acquirer
