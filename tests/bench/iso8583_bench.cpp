// ISO 8583 pack + unpack of a 0200 with DE 55: target <= 2 us per pair (DESIGN.md §10).
// The message is ISO-11 of testdata/vectors/iso8583_default.json (a chip purchase with online
// PIN, 399 bytes, 25 fields, DE 55 of 160 bytes) in the built-in dialect iso87-ascii.
#include <benchmark/benchmark.h>

#include "posim/base/bytes.h"
#include "posim/iso8583/codec.h"
#include "posim/scenarios/dialect_files.h"

namespace posim::iso8583 {
namespace {

const Bytes& purchaseRequest() {
  static const Bytes message = hexBytes(
      "30323030723C46C128E092013136343736313733393030313031303031303030303030303030303030303031"
      "3233343530333134303231353435303030313034313031353435303331343238313235383134303531303030"
      "30303132303831323334353637383337343736313733393030313031303031303D3238313232303131323334"
      "3536373839303030303530373330323030303130345445524D30303031313233343536373839303132333435"
      "44454D4F20434F464645452053484F502020202020202020205348414E474841492020202020434E31353662"
      "1F91F5470F2CFE3136319F2608B912CED09B6094109F2701809F102006011203A0A0000F0000000000000000"
      "000000000000000000000000000000009F37049A3B5C7D9F36020008950500000080009A032503149C01009F"
      "02060000000123455F2A02015682023C009F1A0201569F03060000000000009F3303E0F8C89F34034203009F"
      "3501229F1E0831323334353637388407A00000000310109F0902008C9F4104000001235F3401004435B7C29D"
      "F18D46");
  return message;
}

const Dialect& iso87() {
  return *scenarios::resolveDialect("iso87-ascii").value();
}

void BM_Iso8583Unpack(benchmark::State& state) {
  const Dialect& dialect = iso87();
  const Bytes& wire = purchaseRequest();
  for (auto _ : state) {
    Unpacked unpacked = unpack(dialect, wire);
    benchmark::DoNotOptimize(unpacked);
  }
}
BENCHMARK(BM_Iso8583Unpack);

void BM_Iso8583Pack(benchmark::State& state) {
  const Dialect& dialect = iso87();
  const Message message = unpack(dialect, purchaseRequest()).message;
  Bytes out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(pack(dialect, message, out));
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_Iso8583Pack);

// The DESIGN.md §10 figure: a message packed into a reused buffer and unpacked again.
void BM_Iso8583PackUnpack0200WithDe55(benchmark::State& state) {
  const Dialect& dialect = iso87();
  const Message message = unpack(dialect, purchaseRequest()).message;
  Bytes out;
  for (auto _ : state) {
    out.clear();
    if (!pack(dialect, message, out).isOk()) state.SkipWithError("pack failed");
    Unpacked unpacked = unpack(dialect, out);
    benchmark::DoNotOptimize(unpacked);
  }
}
BENCHMARK(BM_Iso8583PackUnpack0200WithDe55);

}  // namespace
}  // namespace posim::iso8583
