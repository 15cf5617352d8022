// Costs of the symmetric payment cryptography per operation: the raw block cipher calls, the
// retail MAC of ISO 8583 messages, the issuer's full ARQC chain (IMK -> ICC MK -> session key ->
// cryptogram), an online PIN block, and DUKPT key derivation. scripts/bench-crypto compares them
// with `openssl speed -evp des-ede3` / `des-ede3-cbc` / `aes-128-cbc` on the same machine: each
// operation here is a handful of 8- or 16-byte block encryptions plus one key schedule per key,
// and `openssl speed` times the block encryptions alone (one context, keyed once).
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "posim/emv/crypto/cipher.h"
#include "posim/emv/crypto/cryptogram.h"
#include "posim/emv/crypto/dukpt.h"
#include "posim/emv/crypto/mac.h"
#include "posim/emv/crypto/pin_block.h"

namespace posim::emv::crypto {
namespace {

// One posim encrypt() call: key schedule, EVP set-up and the blocks. `openssl speed -bytes 16
// -evp des-ede3` times the same two blocks without the key schedule and set-up.
void BM_TdesEcb16Bytes(benchmark::State& state) {
  const Bytes key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  const Bytes data = hexBytes("4761739001010010FFFFFFFFFFFFFFFF");
  for (auto _ : state) {
    auto out = encrypt(BlockCipher::kTdes, CipherMode::kEcb, key, data);
    if (!out.isOk()) std::abort();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_TdesEcb16Bytes);

// The reference shape of MAC algorithm 3 over 64 bytes: eight TDES-CBC blocks under one key.
void BM_TdesCbc64Bytes(benchmark::State& state) {
  const Bytes key = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  Bytes data(64);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  for (auto _ : state) {
    auto out = encrypt(BlockCipher::kTdes, CipherMode::kCbc, key, data);
    if (!out.isOk()) std::abort();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_TdesCbc64Bytes);

void BM_Aes128Cbc64Bytes(benchmark::State& state) {
  const Bytes key = hexBytes("00112233445566778899AABBCCDDEEFF");
  Bytes data(64);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  for (auto _ : state) {
    auto out = encrypt(BlockCipher::kAes, CipherMode::kCbc, key, data);
    if (!out.isOk()) std::abort();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Aes128Cbc64Bytes);

// 64 bytes, padding method 1 (no pad block): single DES over blocks 1-7, TDES on block 8.
void BM_MacAlgorithm3_64Bytes(benchmark::State& state) {
  const Bytes key = hexBytes("89ABCDEF01234567FEDCBA9876543210");
  Bytes data(64);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i);
  for (auto _ : state) {
    auto mac = macAlgorithm3(key, data, MacPadding::kMethod1);
    if (!mac.isOk()) std::abort();
    benchmark::DoNotOptimize(mac);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_MacAlgorithm3_64Bytes);

// emv_arqc.json AC-03: Visa CVN 18 from the IMK. Ten TDES block encryptions under four keys:
// ICC MK (2 blocks, option A), session key (2), MAC algorithm 3 over 40 bytes padded to 48 (6).
void BM_ArqcCvn18FullChain(benchmark::State& state) {
  AcRequest request;
  request.cvn = Cvn::kVisa18;
  request.imk = hexBytes("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  request.pan = "1234567890123456";
  request.psn = "00";
  request.atc = hexBytes("0FFF");
  request.data =
      hexBytes("0000000099990000000000000840800004800008409912310152BF458518000FFF06011203A0B800");
  for (auto _ : state) {
    auto ac = generateApplicationCryptogram(request);
    if (!ac.isOk()) std::abort();
    benchmark::DoNotOptimize(ac);
  }
}
BENCHMARK(BM_ArqcCvn18FullChain);

// The card's share: session key and cryptogram from the ICC MK (8 blocks under three keys).
void BM_ArqcCvn18FromIccMk(benchmark::State& state) {
  const Bytes mk = hexBytes("2A92983429409197E59194151398C22C");
  const Bytes atc = hexBytes("0FFF");
  const Bytes data =
      hexBytes("0000000099990000000000000840800004800008409912310152BF458518000FFF06011203A0B800");
  for (auto _ : state) {
    auto ac = generateApplicationCryptogram(Cvn::kVisa18, mk, atc, {}, data);
    if (!ac.isOk()) std::abort();
    benchmark::DoNotOptimize(ac);
  }
}
BENCHMARK(BM_ArqcCvn18FromIccMk);

void BM_PinBlockFormat0Encrypt(benchmark::State& state) {
  const Bytes zpk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  for (auto _ : state) {
    auto epb = encryptPinBlock(PinBlockFormat::kIso0, zpk, "1234", "4111111111111111");
    if (!epb.isOk()) std::abort();
    benchmark::DoNotOptimize(epb);
  }
}
BENCHMARK(BM_PinBlockFormat0Encrypt);

void BM_PinBlockFormat4Encrypt(benchmark::State& state) {
  const Bytes key = hexBytes("00112233445566778899AABBCCDDEEFF");
  for (auto _ : state) {
    auto epb =
        encryptPinBlock(PinBlockFormat::kIso4, key, "1234", "1234567890123456", "2F69ADDE2E9E7ACE");
    if (!epb.isOk()) std::abort();
    benchmark::DoNotOptimize(epb);
  }
}
BENCHMARK(BM_PinBlockFormat4Encrypt);

// Host side TDES DUKPT: IPEK and transaction key from the BDK. The argument is the KSN counter;
// the cost grows with its number of set bits (one key generation step per bit, at most 10).
void BM_DukptTdesDerive(benchmark::State& state) {
  const Bytes bdk = hexBytes("0123456789ABCDEFFEDCBA9876543210");
  Bytes ksn = hexBytes("FFFF9876543210E00000");
  const auto counter = static_cast<std::uint32_t>(state.range(0));
  ksn[7] = static_cast<std::uint8_t>(ksn[7] | ((counter >> 16) & 0x1F));
  ksn[8] = static_cast<std::uint8_t>(counter >> 8);
  ksn[9] = static_cast<std::uint8_t>(counter);
  for (auto _ : state) {
    auto key = deriveDukptTransactionKey(bdk, ksn);
    if (!key.isOk()) std::abort();
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_DukptTdesDerive)->Arg(1)->Arg(0x3FF)->Arg(0x1FF800);

// Host side AES DUKPT: initial key, derivation key and the PIN working key from the BDK.
void BM_DukptAesDerive(benchmark::State& state) {
  const Bytes bdk = hexBytes("FEDCBA9876543210F1F1F1F1F1F1F1F1");
  const Bytes ksn = concat(hexBytes("1234567890123456"),
                           writeBigEndian(static_cast<std::uint64_t>(state.range(0)), 4));
  for (auto _ : state) {
    auto key =
        deriveAesDukptWorkingKey(bdk, ksn, DukptKeyUsage::kPinEncryption, DukptKeyType::kAes128);
    if (!key.isOk()) std::abort();
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_DukptAesDerive)->Arg(1)->Arg(0xFFFF0000);

}  // namespace
}  // namespace posim::emv::crypto
