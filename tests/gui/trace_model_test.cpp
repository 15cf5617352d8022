// TraceModel, TraceFilterModel and DecodedTreeModel under QAbstractItemModelTester, with
// hand-made APDUs (SELECT, a record with a PAN and CDOL1, GENERATE AC in format 1) and an
// ISO 8583 message packed with iso87-ascii.
#include "models/trace_model.h"

#include <QAbstractItemModelTester>
#include <QTest>
#include <chrono>
#include <string>

#include "posim/base/bytes.h"
#include "posim/base/clock.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/message.h"
#include "posim/scenarios/dialect_files.h"

#include "app/metatypes.h"
#include "models/decoded_tree_model.h"

using posim::Bytes;
using posim::TraceEvent;
using posim::TraceKind;
using posim::gui::ApduContext;
using posim::gui::DecodedTreeModel;
using posim::gui::TraceFilterModel;
using posim::gui::TraceModel;

namespace {

constexpr const char* kPan = "4761739001010010";
constexpr const char* kMaskedPan = "476173******0010";
// CDOL1: amount 9F02, country 9F1A, TVR 95, currency 5F2A, date 9A, type 9C, UN 9F37.
constexpr const char* kCdol1 = "9F02069F1A0295055F2A029A039C019F3704";

TraceEvent makeEvent(TraceKind kind, std::string summary, const std::string& hex = {},
                     std::string format = {}) {
  TraceEvent e;
  e.kind = kind;
  e.at =
      posim::parseIso8601("2026-11-02T10:00:01.250+08:00").valueOr(posim::LocalDateTime{}).instant;
  e.source =
      kind == TraceKind::kApduCommand || kind == TraceKind::kApduResponse ? "kernel" : "terminal";
  e.summary = std::move(summary);
  e.data = posim::hexBytes(hex);
  e.format = std::move(format);
  return e;
}

TraceEvent apdu(TraceKind kind, std::string summary, const std::string& hex) {
  return makeEvent(kind, std::move(summary), hex, "apdu");
}

TraceEvent selectCommand() {
  return apdu(TraceKind::kApduCommand, "SELECT A0000000031010", "00A4040007A000000003101000");
}
TraceEvent selectResponse() {
  return apdu(TraceKind::kApduResponse, "9000 Success", "6F098407A00000000310109000");
}
TraceEvent readRecordCommand() {
  return apdu(TraceKind::kApduCommand, "READ RECORD SFI 1 record 1", "00B2010C00");
}
TraceEvent readRecordResponse() {
  return apdu(TraceKind::kApduResponse, "9000 Success, 32 bytes",
              std::string("701E5A08") + kPan + "8C12" + kCdol1 + "9000");
}
// GENERATE AC ARQC with CDOL1 data: 128.00, country 156, TVR 0, CNY, 2026-11-02, sale, UN.
TraceEvent generateAcCommand() {
  return apdu(TraceKind::kApduCommand, "GENERATE AC ARQC",
              "80AE800017000000012800015600000000000156261102001122334400");
}
// Format 1: CID 80 (ARQC), ATC 0001, AC, IAD.
TraceEvent generateAcResponse() {
  return apdu(TraceKind::kApduResponse, "9000 Success, 20 bytes",
              "80128000011122334455667788"
              "06010A03A00000"
              "9000");
}

TraceEvent isoRequest() {
  auto dialect = posim::scenarios::resolveDialect("iso87-ascii");
  posim::iso8583::Message message("0200");
  message.set(2, kPan);
  message.set(3, "000000");
  message.set(4, "000000012800");
  message.set(11, "000042");
  message.set(41, "12345678");
  message.set(49, "156");
  message.setBytes(55, posim::hexBytes(std::string("9F2701805A08") + kPan));
  Bytes packed;
  if (dialect.isOk()) packed = posim::iso8583::pack(**dialect, message).valueOr(Bytes{});
  TraceEvent e = makeEvent(TraceKind::kIso8583Request,
                           "sale request STAN 000042 card " + std::string(kMaskedPan));
  e.source = "acquirer:embedded";
  e.data = packed;
  e.format = "iso8583:iso87-ascii";
  return e;
}

QString fieldMeaning(const DecodedTreeModel& model, const QString& field) {
  const QModelIndex index = model.findField(field);
  return index.isValid() ? index.siblingAtColumn(DecodedTreeModel::kMeaningColumn).data().toString()
                         : QString();
}
QString fieldValue(const DecodedTreeModel& model, const QString& field) {
  const QModelIndex index = model.findField(field);
  return index.isValid() ? index.siblingAtColumn(DecodedTreeModel::kValueColumn).data().toString()
                         : QString();
}

}  // namespace

class TraceModelTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() { posim::gui::registerMetaTypes(); }

  void tableShowsEachEventInArrivalOrder() {
    TraceModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.columnCount(), static_cast<int>(TraceModel::kColumnCount));
    model.append(selectCommand(), 1);
    model.append(makeEvent(TraceKind::kReceipt, "merchant copy\nAPPROVED"), 0);
    model.appendAll({readRecordCommand(), readRecordResponse()}, 2);
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.keyAt(2), 2);
    QCOMPARE(model.eventAt(3).data, readRecordResponse().data);
    QCOMPARE(model.index(0, TraceModel::kNumberColumn).data().toInt(), 1);
    QCOMPARE(model.index(0, TraceModel::kKindColumn).data().toString(),
             QStringLiteral("apdu-command"));
    QCOMPARE(model.index(0, TraceModel::kSourceColumn).data().toString(), QStringLiteral("kernel"));
    QCOMPARE(model.index(0, TraceModel::kTransactionColumn).data().toString(), QStringLiteral("1"));
    QCOMPARE(model.index(1, TraceModel::kTransactionColumn).data().toString(), QString());
    // Multi-line summaries show their first line.
    QCOMPARE(model.index(1, TraceModel::kSummaryColumn).data().toString(),
             QStringLiteral("merchant copy …"));
    // Virtual time, in the offset set (UTC by default).
    QCOMPARE(model.index(0, TraceModel::kTimeColumn).data().toString(),
             QStringLiteral("02:00:01.250"));
    model.setUtcOffset(std::chrono::minutes(8 * 60));
    QCOMPARE(model.index(0, TraceModel::kTimeColumn).data().toString(),
             QStringLiteral("10:00:01.250"));
    QCOMPARE(model.headerData(TraceModel::kSummaryColumn, Qt::Horizontal).toString(),
             QStringLiteral("Summary"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    model.append(selectResponse(), 3);
    QCOMPARE(model.rowCount(), 1);
  }

  void filterByTransactionKindAndText() {
    TraceModel model;
    TraceFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(selectCommand(), 1);
    model.append(isoRequest(), 2);
    model.append(makeEvent(TraceKind::kDisplay, "ENTER PIN"), 1);
    model.append(readRecordResponse(), 1);
    QCOMPARE(filter.rowCount(), 4);

    filter.setTransactionKey(1);
    QCOMPARE(filter.rowCount(), 3);
    filter.setTransactionKey(2);
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, TraceModel::kKindColumn).data().toString(),
             QStringLiteral("iso8583-request"));
    filter.setTransactionKey(0);
    QCOMPARE(filter.rowCount(), 4);

    filter.setKindsShown(TraceFilterModel::kIso);
    QCOMPARE(filter.rowCount(), 1);
    filter.setKindsShown(TraceFilterModel::kApdu | TraceFilterModel::kOther);
    QCOMPARE(filter.rowCount(), 3);
    filter.setKindsShown(TraceFilterModel::kAllKinds);

    // Case-insensitive over the summary.
    filter.setSearchText(QStringLiteral("enter pin"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.index(0, TraceModel::kSummaryColumn).data().toString(),
             QStringLiteral("ENTER PIN"));
    // Over the hex, with or without spaces.
    filter.setSearchText(QStringLiteral("a4 04 00"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.mapToSource(filter.index(0, 0)).row(), 0);
    filter.setSearchText(QStringLiteral("8c12"));
    QCOMPARE(filter.rowCount(), 1);
    QCOMPARE(filter.mapToSource(filter.index(0, 0)).row(), 3);
    // The hex searched is the redacted one: the PAN is not in it.
    filter.setSearchText(QString::fromLatin1(kPan));
    QCOMPARE(filter.rowCount(), 0);
    filter.setSearchText(QStringLiteral("nothing like this"));
    QCOMPARE(filter.rowCount(), 0);
    // Filters combine, and new rows are filtered as they come.
    filter.setSearchText(QStringLiteral("select"));
    filter.setTransactionKey(1);
    QCOMPARE(filter.rowCount(), 1);
    model.append(selectCommand(), 2);
    model.append(selectCommand(), 1);
    QCOMPARE(filter.rowCount(), 2);
    filter.setSearchText(QString());
    QCOMPARE(filter.rowCount(), 4);
  }

  void apduContextComesFromEarlierEventsOfTheTransaction() {
    TraceModel model;
    model.append(selectCommand(), 1);       // 0
    model.append(selectResponse(), 1);      // 1
    model.append(readRecordCommand(), 1);   // 2
    model.append(readRecordResponse(), 1);  // 3
    model.append(selectCommand(), 2);       // 4: another transaction
    model.append(generateAcCommand(), 1);   // 5
    model.append(generateAcResponse(), 1);  // 6
    model.append(generateAcCommand(), 1);   // 7: second GENERATE AC, CDOL2 never read
    model.append(generateAcCommand(), 2);   // 8: key 2 read no record

    const ApduContext first = posim::gui::apduContextFor(model, 5);
    QCOMPARE(posim::toHex(first.dol), std::string(kCdol1));
    QVERIFY(!first.answered_ins.has_value());
    const ApduContext answer = posim::gui::apduContextFor(model, 6);
    QVERIFY(answer.answered_ins.has_value());
    QCOMPARE(static_cast<int>(*answer.answered_ins), 0xAE);
    QVERIFY(posim::gui::apduContextFor(model, 7).dol.empty());
    QVERIFY(posim::gui::apduContextFor(model, 8).dol.empty());
    QCOMPARE(static_cast<int>(*posim::gui::apduContextFor(model, 3).answered_ins), 0xB2);
  }

  void decodesACommandWithItsCdolData() {
    DecodedTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ApduContext context;
    context.dol = posim::hexBytes(kCdol1);
    model.setEvent(generateAcCommand(), context);
    QCOMPARE(model.columnCount(), static_cast<int>(DecodedTreeModel::kColumnCount));
    QCOMPARE(fieldMeaning(model, QStringLiteral("INS")), QStringLiteral("GENERATE AC"));
    QVERIFY2(fieldMeaning(model, QStringLiteral("P1")).contains(QStringLiteral("ARQC")),
             qPrintable(model.toText()));
    QCOMPARE(fieldValue(model, QStringLiteral("Lc")), QStringLiteral("17"));
    QVERIFY2(fieldMeaning(model, QStringLiteral("9F02")).contains(QStringLiteral("128.00")),
             qPrintable(model.toText()));
    QCOMPARE(fieldValue(model, QStringLiteral("9F37")), QStringLiteral("11223344"));
    QVERIFY(model.findField(QStringLiteral("9F02")).parent().isValid());

    // Without the CDOL the data stays one hex value.
    model.setEvent(generateAcCommand());
    QVERIFY(!model.findField(QStringLiteral("9F02")).isValid());
    QVERIFY(model.toText().contains(QStringLiteral("CDOL not seen")));
  }

  void decodesAFormatOneGenerateAcResponse() {
    DecodedTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ApduContext context;
    context.answered_ins = 0xAE;
    model.setEvent(generateAcResponse(), context);
    QVERIFY2(fieldMeaning(model, QStringLiteral("9F27")).contains(QStringLiteral("ARQC")),
             qPrintable(model.toText()));
    QCOMPARE(fieldValue(model, QStringLiteral("9F26")), QStringLiteral("1122334455667788"));
    QCOMPARE(fieldValue(model, QStringLiteral("9F36")), QStringLiteral("0001"));
    QVERIFY(model.findField(QStringLiteral("SW1 SW2")).isValid());
    QVERIFY(
        fieldMeaning(model, QStringLiteral("R-APDU")).startsWith(QStringLiteral("GENERATE AC")));
    // Without knowing the command, template 80 is not split.
    model.setEvent(generateAcResponse());
    QVERIFY(!model.findField(QStringLiteral("9F27")).isValid());
    model.clearEvent();
    QCOMPARE(model.rowCount(), 0);
  }

  void masksThePanInTreeAndHex() {
    DecodedTreeModel model;
    const TraceEvent record = readRecordResponse();
    model.setEvent(record);
    const QString text = model.toText();
    QVERIFY2(!text.contains(QString::fromLatin1(kPan)), qPrintable(text));
    QVERIFY2(text.contains(QString::fromLatin1(kMaskedPan)), qPrintable(text));
    QVERIFY(model.findField(QStringLiteral("8C")).isValid());

    const std::string hex = posim::gui::redactedHex(record);
    QCOMPARE(hex.size(), record.data.size() * 2);
    QVERIFY(hex.find(kPan) == std::string::npos);
    QVERIFY(hex.find(kMaskedPan) != std::string::npos);
    QVERIFY(hex.find(kCdol1) != std::string::npos);

    const QString dump = posim::gui::hexDump(record);
    QVERIFY(dump.startsWith(QStringLiteral("0000  70 1E 5A 08 47 61 73 ** ** ** 00 10 8C 12")));
    QVERIFY(dump.contains(QStringLiteral("\n0010  ")));
    QVERIFY(!QString(dump).remove(QChar(' ')).contains(QString::fromLatin1(kPan)));
  }

  void decodesAnIsoMessage() {
    DecodedTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const TraceEvent request = isoRequest();
    QVERIFY(!request.data.empty());
    model.setEvent(request);
    const QString text = model.toText();
    QCOMPARE(fieldValue(model, QStringLiteral("MTI")), QStringLiteral("0200"));
    QVERIFY(!fieldMeaning(model, QStringLiteral("MTI")).isEmpty());
    QVERIFY2(fieldMeaning(model, QStringLiteral("Bitmap"))
                 .startsWith(QStringLiteral("fields 2, 3, 4, 11")),
             qPrintable(text));
    QVERIFY2(model.findField(QStringLiteral("DE 3 Processing Code")).isValid(), qPrintable(text));
    QCOMPARE(fieldValue(model, QStringLiteral("DE 11 ")), QStringLiteral("000042"));
    QCOMPARE(fieldValue(model, QStringLiteral("DE 4 ")), QStringLiteral("000000012800"));
    QVERIFY2(fieldMeaning(model, QStringLiteral("DE 4 ")).contains(QStringLiteral("128.00")),
             qPrintable(text));
    QCOMPARE(fieldValue(model, QStringLiteral("DE 2 ")), QString::fromLatin1(kMaskedPan));
    // DE 55 is a TLV subtree.
    const QModelIndex cid = model.findField(QStringLiteral("9F27"));
    QVERIFY(cid.isValid());
    QVERIFY(cid.parent().data().toString().startsWith(QStringLiteral("DE 55")));
    QVERIFY(cid.siblingAtColumn(DecodedTreeModel::kMeaningColumn)
                .data()
                .toString()
                .contains(QStringLiteral("ARQC")));
    QVERIFY2(!text.contains(QString::fromLatin1(kPan)), qPrintable(text));

    // The hex masks DE 2 (ASCII digits) and the PAN inside DE 55.
    const QString dump = posim::gui::hexDump(request);
    QVERIFY(dump.startsWith(QStringLiteral("0000  30 32 30 30")));
    QVERIFY2(
        !QString(dump).remove(QChar(' ')).remove(QChar('\n')).contains(QString::fromLatin1(kPan)),
        qPrintable(dump));
    QVERIFY(posim::gui::redactedHex(request).find(posim::toHex(posim::hexBytes(kPan))) ==
            std::string::npos);
    // DE 2 keeps its first 6 and last 4 digits (ASCII 34 37 36 31 37 33 ... 30 30 31 30).
    QVERIFY(posim::gui::redactedHex(request).find("343736313733" + std::string(12, '*') +
                                                  "30303130") != std::string::npos);

    // An unknown dialect says so instead of guessing.
    TraceEvent unknown = request;
    unknown.format = "iso8583:no-such-dialect";
    model.setEvent(unknown);
    QVERIFY(model.findField(QStringLiteral("!")).isValid());
    QVERIFY(posim::gui::redactedHex(unknown).find_first_not_of('*') == std::string::npos);
  }

  void decodesPlainEventsAsText() {
    DecodedTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setEvent(makeEvent(TraceKind::kReceipt, "merchant copy\nAPPROVED\nTOTAL 128.00"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowCount(model.index(0, 0)), 2);
    QVERIFY(model.toText().contains(QStringLiteral("TOTAL 128.00")));
  }
};

QTEST_MAIN(TraceModelTest)
#include "trace_model_test.moc"
