// One trace event decoded as a tree (the trace dock's "decoded" pane), in the style of
// Wireshark's protocol tree: columns field, value, meaning.
//
//   APDU command (format "apdu"): CLA, INS (the command's name: "GENERATE AC"), P1, P2 (their
//     meaning for the command: "ARQC", "SFI 1", ...), Lc, the data (split by the DOL it answers
//     when known: PDOL for GET PROCESSING OPTIONS, CDOL1 / CDOL2 for GENERATE AC, each entry with
//     its tag name and decoded value), Le.
//   APDU response: the TLV tree of the data (emv::describeTlv: names, decoded TVR/CVM/AIP/CID
//     bits...; a format 1 template 80 is split into CID, ATC, AC, IAD / AIP, AFL by the command
//     it answers), then SW1 SW2 with its meaning.
//   ISO 8583 (format "iso8583:<dialect id>", scenarios::resolveDialect): TPDU and header when the
//     dialect has them, MTI, bitmap, then each data element (DE number + name, the value as
//     iso8583::displayValue shows it, iso8583::fieldDescription), subfields below their field,
//     DE 55 as a TLV subtree; decode problems as "!" rows with their byte offset.
//   Anything else: the summary, one row per line.
//
// PANs are masked everywhere (5A, 57, 56, 9F6B, DE 2, DE 35, DE 36, DE 45), PIN blocks never
// shown: the core's describe helpers do it, and the hex of redactedHex() masks the same bytes.
#pragma once

#include <QStandardItemModel>
#include <QString>
#include <cstdint>
#include <optional>
#include <string>

#include "posim/base/bytes.h"
#include "posim/base/event_sink.h"

namespace posim::gui {

class TraceModel;

// What decoding an APDU needs from the events before it (apduContextFor() finds it).
struct ApduContext {
  // A response: the INS of the command it answers.
  std::optional<std::uint8_t> answered_ins;
  // A command: the DOL its data follows (PDOL 9F38 for GET PROCESSING OPTIONS, CDOL1 8C or CDOL2
  // 8D for the first or second GENERATE AC); empty when unknown.
  Bytes dol;
};

// The context of row `row` of `model` from the earlier events of the same transaction key:
// the last command before a response; the DOL a command's data follows (the first GENERATE AC
// after the last SELECT uses 8C, later ones 8D). REQUIRES: 0 <= row < model.size().
ApduContext apduContextFor(const TraceModel& model, int row);

// The event's bytes as hex (two characters per byte) with what must not be read masked as '*':
// PAN digits but the first 6 and last 4 and all track discretionary data (in APDU responses,
// DE 2/35/36/45 and inside DE 55), VERIFY PIN data, sensitive binary fields. Same length as
// toHex(event.data).
std::string redactedHex(const TraceEvent& event);

// A hex dump of redactedHex(): lines "0000  30 32 30 30 ...  0200....", 16 bytes a line,
// offset, hex, ASCII ('.' for non-printable, '*' for a masked byte). "" for no bytes.
QString hexDump(const TraceEvent& event);

class DecodedTreeModel final : public QStandardItemModel {
  Q_OBJECT

 public:
  enum Column : int { kFieldColumn, kValueColumn, kMeaningColumn, kColumnCount };

  explicit DecodedTreeModel(QObject* parent = nullptr);

  // Replaces the tree with the decoding of `event`.
  void setEvent(const TraceEvent& event, const ApduContext& context = {});
  // Empties the tree (the headers stay).
  void clearEvent();

  // The tree as indented text, one line per row: "field  value  meaning" (for Copy and tests).
  QString toText() const;

  // The first row (depth first) whose field column starts with `field_prefix`, or an invalid
  // index ("9F27" finds "9F27 Cryptogram Information Data").
  QModelIndex findField(const QString& field_prefix) const;

 private:
  void decodeApduCommand(const TraceEvent& event, const ApduContext& context);
  void decodeApduResponse(const TraceEvent& event, const ApduContext& context);
  void decodeIso8583(const TraceEvent& event, const std::string& dialect_id);
  void decodeText(const TraceEvent& event);
};

}  // namespace posim::gui
