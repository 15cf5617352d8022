// TLV decode of a 250-byte record: target <= 0.5 us per decode (DESIGN.md §10).
#include <cstdint>

#include <benchmark/benchmark.h>

#include "posim/base/bytes.h"
#include "posim/emv/tlv.h"

namespace posim::emv {
namespace {

// A READ RECORD response template (SFI 1) as a Visa card returns it: track 2, PAN, name, dates,
// CDOL1/CDOL2, CVM list, usage control, IACs, ODA data. 251 bytes.
const Bytes& realisticRecord() {
  static const Bytes record =
      TlvBuilder()
          .open(0x70)
          .add(0x57, hexBytes("4761739001010119D22122011758928889"))
          .add(0x5A, hexBytes("4761739001010119"))
          .add(0x5F20, asBytes("CARDHOLDER/VISA TEST CARD "))
          .add(0x5F24, hexBytes("221231"))
          .add(0x5F25, hexBytes("150101"))
          .add(0x5F28, hexBytes("0840"))
          .add(0x5F34, hexBytes("01"))
          .add(0x8C, hexBytes("9F02069F03069F1A0295055F2A029A039C019F37049F35019F4503"))
          .add(0x8D, hexBytes("8A029F02069F03069F1A0295055F2A02"))
          .add(0x8E, hexBytes("000000000000000042031E031F00"))
          .add(0x9F07, hexBytes("FF00"))
          .add(0x9F08, hexBytes("008C"))
          .add(0x9F0D, hexBytes("B050808000"))
          .add(0x9F0E, hexBytes("0000000000"))
          .add(0x9F0F, hexBytes("B070848000"))
          .add(0x9F4A, hexBytes("82"))
          .add(0x8F, hexBytes("94"))
          .add(0x92, Bytes(36, 0x5C))
          .add(0x9F32, hexBytes("03"))
          .add(0x9F49, hexBytes("9F3704"))
          .add(0x9F1F, asBytes("17589096000000"))
          .close()
          .take();
  return record;
}

// The reader path: walk the record and its template's children, no allocation.
void BM_TlvReaderWalk(benchmark::State& state) {
  const Bytes& record = realisticRecord();
  for (auto _ : state) {
    std::size_t objects = 0;
    std::size_t value_bytes = 0;
    TlvReader reader(record);
    TlvItem item;
    while (reader.next(item)) {
      ++objects;
      if (!item.constructed()) continue;
      TlvReader inner(item.value, item.valueOffset());
      TlvItem child;
      while (inner.next(child)) {
        ++objects;
        value_bytes += child.value.size();
      }
    }
    benchmark::DoNotOptimize(objects);
    benchmark::DoNotOptimize(value_bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(record.size()));
  state.counters["record_bytes"] = static_cast<double>(record.size());
}
BENCHMARK(BM_TlvReaderWalk);

// The tree path: decodeTlv builds the node tree (vectors of children).
void BM_TlvDecodeTree(benchmark::State& state) {
  const Bytes& record = realisticRecord();
  for (auto _ : state) {
    TlvDecodeResult result = decodeTlv(record);
    benchmark::DoNotOptimize(result.nodes.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(record.size()));
  state.counters["record_bytes"] = static_cast<double>(record.size());
}
BENCHMARK(BM_TlvDecodeTree);

// Tree decode plus flattening into a tag -> value map (what a kernel's TLV database does).
void BM_TlvDecodeAndCollect(benchmark::State& state) {
  const Bytes& record = realisticRecord();
  for (auto _ : state) {
    TlvDecodeResult result = decodeTlv(record);
    std::vector<TlvField> fields = collectPrimitives(result.nodes);
    benchmark::DoNotOptimize(fields.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(record.size()));
}
BENCHMARK(BM_TlvDecodeAndCollect);

// Canonical re-encoding of the decoded tree.
void BM_TlvEncodeTree(benchmark::State& state) {
  const Bytes& record = realisticRecord();
  const TlvDecodeResult decoded = decodeTlv(record);
  for (auto _ : state) {
    Bytes out = encodeTlvTree(decoded.nodes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(record.size()));
}
BENCHMARK(BM_TlvEncodeTree);

}  // namespace
}  // namespace posim::emv
