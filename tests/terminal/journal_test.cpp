#include "posim/terminal/journal.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "posim/base/money.h"

namespace posim::terminal {
namespace {

namespace fs = std::filesystem;

Currency cny() {
  return *currencyByAlpha("CNY");
}

LocalDateTime at(std::string_view text) {
  return *parseIso8601(text);
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("posim-journal-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string file(std::string_view name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

TEST(JournalTest, StanCountsFromOneAndWrapsAfter999999) {
  auto journal = Journal::open(":memory:");
  ASSERT_TRUE(journal.isOk()) << journal.status().toString();
  EXPECT_EQ(*(*journal)->nextStan(), "000001");
  EXPECT_EQ(*(*journal)->nextStan(), "000002");
  ASSERT_TRUE((*journal)->setCounter("stan", 999998).isOk());
  EXPECT_EQ(*(*journal)->nextStan(), "999999");
  EXPECT_EQ(*(*journal)->nextStan(), "000001");
}

TEST(JournalTest, InvoiceAndBatchCounters) {
  auto journal = Journal::open(":memory:");
  ASSERT_TRUE(journal.isOk());
  Journal& j = **journal;
  EXPECT_EQ(*j.nextInvoice(), 1u);
  EXPECT_EQ(*j.nextInvoice(), 2u);
  EXPECT_EQ(*j.batchNumber(), 1u);
  EXPECT_EQ(*j.closeBatch(), 2u);
  EXPECT_EQ(*j.batchNumber(), 2u);
  ASSERT_TRUE(j.setCounter("batch", 999999).isOk());
  EXPECT_EQ(*j.closeBatch(), 1u);
  EXPECT_FALSE(j.setCounter("stan", 1000000).isOk());
  const Status bad = j.setCounter("stna", 1);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("stan, invoice, batch"), std::string::npos);
}

TEST(JournalTest, RecordsRoundTripThroughTheDatabase) {
  auto journal = Journal::open(":memory:");
  ASSERT_TRUE(journal.isOk());
  TransactionRecord r;
  r.label = "coffee";
  r.type = TransactionType::kSale;
  r.card = "visa";
  r.pan = Pan("4761739001010010");
  r.masked_pan = "476173******0010";
  r.entry = emv::EntryMode::kContactless;
  r.amount = Money(8800, cny());
  r.refunded = Money(2000, cny());
  r.approved = true;
  r.response_code = "00";
  r.authorization_code = "123456";
  r.stan = "000042";
  r.batch_number = 3;
  r.tvr = "0000008000";
  r.started_at = at("2026-09-30T15:00:00+08:00");
  r.authorized_at = at("2026-09-30T15:00:01.500+08:00");
  r.captured_at = r.authorized_at;
  r.auth_latency_ms = 0.25;
  r.clearing_date = parseDate("2026-09-30").value();
  r.arrival_at = at("2026-10-08T09:00:00+08:00");
  r.arrival_delay = std::chrono::hours(186);
  r.fee = Money(53, cny());
  r.net_amount = Money(8747, cny());
  r.batch_totals = acquirer::BatchTotals{2, 10000, 1, 500, 0, 0};
  ASSERT_TRUE((*journal)->insert(r).isOk());
  EXPECT_EQ(r.id, 1);

  auto back = (*journal)->find(1);
  ASSERT_TRUE(back.isOk()) << back.status().toString();
  EXPECT_EQ(back->label, "coffee");
  EXPECT_EQ(back->pan, r.pan);
  EXPECT_EQ(back->entry, emv::EntryMode::kContactless);
  EXPECT_EQ(back->amount, r.amount);
  EXPECT_EQ(back->refunded, r.refunded);
  EXPECT_EQ(back->authorized_at->instant, r.authorized_at->instant);
  EXPECT_EQ(back->authorized_at->utc_offset, std::chrono::minutes(480));
  EXPECT_EQ(back->clearing_date, r.clearing_date);
  EXPECT_EQ(back->arrival_delay, r.arrival_delay);
  EXPECT_EQ(back->net_amount, r.net_amount);
  EXPECT_EQ(back->batch_totals, r.batch_totals);
  EXPECT_EQ(back->batch_number, 3u);
  EXPECT_FALSE(back->hold_placed_at.has_value());

  EXPECT_EQ((*journal)->find(2).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*journal)->batchTransactions(3)->size(), 1u);
  EXPECT_TRUE((*journal)->batchTransactions(4)->empty());
}

TEST(JournalTest, QueuedMessagesKeepTheirRequestAndState) {
  auto journal = Journal::open(":memory:");
  ASSERT_TRUE(journal.isOk());
  PendingMessage m;
  m.kind = PendingMessage::Kind::kReversal;
  m.state = PendingMessage::State::kArmed;
  m.transaction_id = 7;
  m.request.type = TransactionType::kReversal;
  m.request.pan = Pan("4761739001010010");
  m.request.amount = Money(50000, cny());
  m.request.stan = "000009";
  m.request.transmitted_at = at("2026-09-30T21:30:05+08:00");
  m.request.pin_block = {0x01, 0x02};  // never stored
  m.request.original = acquirer::OriginalData{
      TransactionType::kPreauth, "0100", "000008", "", "", at("2026-09-30T21:30:04+08:00"),
      Money(50000, cny())};
  m.request.reversal_reason = "98";
  ASSERT_TRUE((*journal)->addPending(m).isOk());

  EXPECT_TRUE((*journal)->pending()->empty()) << "armed messages are not due yet";
  auto due = (*journal)->pending(/*include_armed=*/true);
  ASSERT_EQ(due->size(), 1u);
  const PendingMessage& back = due->front();
  EXPECT_EQ(back.state, PendingMessage::State::kArmed);
  EXPECT_EQ(back.request.original->stan, "000008");
  EXPECT_EQ(back.request.original->type, TransactionType::kPreauth);
  EXPECT_EQ(back.request.amount, Money(50000, cny()));
  EXPECT_TRUE(back.request.pin_block.empty());

  m.state = PendingMessage::State::kDone;
  m.response_code = "00";
  ASSERT_TRUE((*journal)->updatePending(m).isOk());
  EXPECT_TRUE((*journal)->pending(true)->empty());
  EXPECT_EQ((*journal)->allPending()->front().response_code, "00");
}

TEST(JournalTest, SurvivesReopeningAFile) {
  TempDir dir;
  const std::string path = dir.file("terminal.db");
  {
    auto journal = Journal::open(path);
    ASSERT_TRUE(journal.isOk()) << journal.status().toString();
    ASSERT_TRUE((*journal)->nextStan().isOk());
    TransactionRecord r;
    r.amount = Money(100, cny());
    r.refunded = Money(0, cny());
    ASSERT_TRUE((*journal)->insert(r).isOk());
  }
  auto journal = Journal::open(path);
  ASSERT_TRUE(journal.isOk());
  EXPECT_EQ(*(*journal)->nextStan(), "000002");
  EXPECT_EQ((*journal)->transactions()->size(), 1u);
  EXPECT_TRUE(fs::exists(path + "-wal")) << "the journal runs in WAL mode";
}

TEST(JournalTest, RefusesAFileThatIsNotAJournal) {
  TempDir dir;
  const std::string path = dir.file("not-a-journal.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is a text file, not an SQLite database, and it is long enough to look", f);
    std::fclose(f);
  }
  auto journal = Journal::open(path);
  ASSERT_FALSE(journal.isOk());
  EXPECT_NE(journal.status().message().find(path), std::string::npos);
  auto missing_dir = Journal::open(dir.file("no/such/dir/terminal.db"));
  EXPECT_EQ(missing_dir.status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace posim::terminal
