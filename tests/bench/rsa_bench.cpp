// RSA costs of offline data authentication (DESIGN.md §10: >= 5,000 full CDA transactions per
// second; "the card's RSA signature alone allows about 13,000"). scripts/bench-crypto compares
// them with `openssl speed rsa1024 rsa2048` on the same machine: the "sign" column is the
// physical limit of the card's private operation, the "verify" column (e = 65537; interpolated to
// 1408 bits for the CA key) the reference of a recovery, which with e = 3 needs 2 modular
// multiplications instead of 17.
//
// The keys come from a test PKI generated once from a fixed seed (CA 1408, issuer 1152, ICC 1024
// bits, e = 3), the shape of tests/data/vectors/emv_oda_own_chain.json.
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "posim/base/random.h"
#include "posim/emv/crypto/oda.h"
#include "posim/emv/crypto/pki.h"
#include "posim/emv/crypto/rsa.h"

namespace posim::emv::crypto {
namespace {

struct CdaFixture {
  TestPki pki;
  Bytes un = hexBytes("9A3B5C7D");
  Bytes dn = hexBytes("0102030405060708");
  Bytes pdol = hexBytes("000000012345");
  Bytes cdol1 = hexBytes("000000012345000000000000015600000080000156250314009A3B5C7D");
  Bytes response = hexBytes("9F2701809F360200089F100706011203A0A000");
  Bytes ac = hexBytes("B912CED09B609410");
  Bytes icc_dynamic_data;
  Bytes sdad;

  CdaFixture() {
    SeededRandom random(20240601);
    TestPkiSpec spec;
    spec.pan = "4761739001010010";
    auto generated = generateTestPki(spec, random);
    if (!generated.isOk()) std::abort();
    pki = std::move(generated).value();
    const Bytes tdhc = transactionDataHashCode(pdol, cdol1, {}, response);
    icc_dynamic_data = *cdaIccDynamicData(dn, 0x80, ac, tdhc);
    sdad = *signDynamicApplicationData(pki.icc_key, icc_dynamic_data, un);
  }

  CdaInput cdaInput() const {
    CdaInput in;
    in.signed_dynamic_data = sdad;
    in.unpredictable_number = un;
    in.cryptogram_information_data = 0x80;
    in.pdol_data = pdol;
    in.cdol1_data = cdol1;
    in.response_tlvs_without_sdad = response;
    return in;
  }
};

const CdaFixture& fixture() {
  static const CdaFixture f;
  return f;
}

// The card's raw RSA-1024 private operation with CRT (what `openssl speed rsa1024` signs).
void BM_Rsa1024PrivateCrt(benchmark::State& state) {
  const CdaFixture& f = fixture();
  Bytes block{0x6A};
  block.resize(f.pki.icc_key.size(), 0xBB);
  for (auto _ : state) {
    auto out = f.pki.icc_key.privateOperation(block);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Rsa1024PrivateCrt);

// The same without CRT (a key known only by n, e, d): shows what CRT buys.
void BM_Rsa1024PrivateNoCrt(benchmark::State& state) {
  const CdaFixture& f = fixture();
  const RsaPrivateKey& k = f.pki.icc_key;
  auto plain =
      RsaPrivateKey::create(k.publicKey().modulus(), k.publicKey().exponent(), k.privateExponent());
  if (!plain.isOk()) std::abort();
  Bytes block{0x6A};
  block.resize(k.size(), 0xBB);
  for (auto _ : state) {
    auto out = plain->privateOperation(block);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Rsa1024PrivateNoCrt);

// The card's whole CDA signature: SDAD block, SHA-1, RSA-1024 private operation.
void BM_CdaSignSdad(benchmark::State& state) {
  const CdaFixture& f = fixture();
  for (auto _ : state) {
    auto out = signDynamicApplicationData(f.pki.icc_key, f.icc_dynamic_data, f.un);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CdaSignSdad);

// Raw RSA-1408 public operation (e = 3) on the issuer certificate with the CA key.
void BM_Rsa1408PublicRecovery(benchmark::State& state) {
  const CdaFixture& f = fixture();
  for (auto _ : state) {
    auto out = f.pki.capk.key.publicOperation(f.pki.issuer_certificate.certificate);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Rsa1408PublicRecovery);

// Issuer public key certificate recovery with all Book 2 §5.3 checks.
void BM_IssuerCertificateRecovery(benchmark::State& state) {
  const CdaFixture& f = fixture();
  const Date today = std::chrono::year(2026) / std::chrono::June / 30;
  const IssuerCertificateInput in{f.pki.issuer_certificate.certificate,
                                  f.pki.issuer_certificate.remainder,
                                  f.pki.issuer_certificate.exponent, "4761739001010010", today};
  for (auto _ : state) {
    auto out = recoverIssuerPublicKey(f.pki.capk, in);
    if (!out.isOk()) state.SkipWithError("issuer certificate did not verify");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_IssuerCertificateRecovery);

// The terminal's SDAD recovery after GENERATE AC: all Book 2 §6.6.2 checks.
void BM_CdaSdadRecovery(benchmark::State& state) {
  const CdaFixture& f = fixture();
  const RsaPublicKey& icc_key = f.pki.icc_key.publicKey();
  const CdaInput in = f.cdaInput();
  for (auto _ : state) {
    auto out = recoverCdaSignature(icc_key, in);
    if (!out.isOk()) state.SkipWithError("CDA signature did not verify");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CdaSdadRecovery);

// All RSA of one CDA transaction: terminal recovers issuer PK, ICC PK and the SDAD, card signs.
void BM_CdaTransactionRsa(benchmark::State& state) {
  const CdaFixture& f = fixture();
  const Date today = std::chrono::year(2026) / std::chrono::June / 30;
  const std::string pan = "4761739001010010";
  const IssuerCertificateInput issuer_in{f.pki.issuer_certificate.certificate,
                                         f.pki.issuer_certificate.remainder,
                                         f.pki.issuer_certificate.exponent, pan, today};
  for (auto _ : state) {
    auto issuer = recoverIssuerPublicKey(f.pki.capk, issuer_in);
    if (!issuer.isOk()) state.SkipWithError("issuer certificate");
    auto icc = recoverIccPublicKey(issuer->public_key, {f.pki.icc_certificate.certificate,
                                                        f.pki.icc_certificate.remainder,
                                                        f.pki.icc_certificate.exponent,
                                                        {},
                                                        pan,
                                                        today});
    if (!icc.isOk()) state.SkipWithError("ICC certificate");
    auto sdad = signDynamicApplicationData(f.pki.icc_key, f.icc_dynamic_data, f.un);
    CdaInput in = f.cdaInput();
    in.signed_dynamic_data = *sdad;
    auto cda = recoverCdaSignature(icc->public_key, in);
    if (!cda.isOk()) state.SkipWithError("CDA signature");
    benchmark::DoNotOptimize(cda);
  }
}
BENCHMARK(BM_CdaTransactionRsa);

// Generation of one 1024-bit key (deterministic search; varies with the seed).
void BM_GenerateRsa1024(benchmark::State& state) {
  SeededRandom random(99);
  for (auto _ : state) {
    auto key = generateRsaKey(1024, 3, random);
    benchmark::DoNotOptimize(key);
  }
}
BENCHMARK(BM_GenerateRsa1024)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
}  // namespace posim::emv::crypto
