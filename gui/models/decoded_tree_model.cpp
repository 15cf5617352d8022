#include "models/decoded_tree_model.h"

#include <QStandardItem>
#include <QStringList>
#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "posim/emv/apdu.h"
#include "posim/emv/apdu_trace.h"
#include "posim/emv/describe.h"
#include "posim/emv/dol.h"
#include "posim/emv/status_words.h"
#include "posim/emv/tag_dictionary.h"
#include "posim/emv/tlv.h"
#include "posim/emv/value_decoders.h"
#include "posim/iso8583/codec.h"
#include "posim/iso8583/describe.h"
#include "posim/iso8583/dialect.h"
#include "posim/scenarios/dialect_files.h"

#include "models/trace_model.h"

namespace posim::gui {
namespace {

constexpr std::string_view kApduFormat = "apdu";
constexpr std::string_view kIsoFormatPrefix = "iso8583:";

// The commands EMV uses by INS (EMV Book 3 §6.5, Book 1 §11), one row each.
struct InsName {
  std::uint8_t ins;
  const char* name;
};
constexpr std::array<InsName, 16> kInsNames{{
    {emv::kInsSelect, "SELECT"},
    {emv::kInsReadRecord, "READ RECORD"},
    {emv::kInsGetProcessingOptions, "GET PROCESSING OPTIONS"},
    {emv::kInsGenerateAc, "GENERATE AC"},
    {emv::kInsGetData, "GET DATA"},
    {emv::kInsVerify, "VERIFY"},
    {emv::kInsInternalAuthenticate, "INTERNAL AUTHENTICATE"},
    {emv::kInsExternalAuthenticate, "EXTERNAL AUTHENTICATE"},
    {emv::kInsGetChallenge, "GET CHALLENGE"},
    {emv::kInsGetResponse, "GET RESPONSE"},
    {emv::kInsApplicationBlock, "APPLICATION BLOCK"},
    {emv::kInsApplicationUnblock, "APPLICATION UNBLOCK"},
    {emv::kInsCardBlock, "CARD BLOCK"},
    {emv::kInsPinChangeUnblock, "PIN CHANGE/UNBLOCK"},
    {emv::kInsPutData, "PUT DATA"},
    {emv::kInsUpdateRecord, "UPDATE RECORD"},
}};

QString insName(std::uint8_t ins) {
  for (const InsName& row : kInsNames) {
    if (row.ins == ins) return QString::fromLatin1(row.name);
  }
  return {};
}

QString qs(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString hexByte(std::uint8_t b) {
  return QStringLiteral("%1").arg(b, 2, 16, QChar('0')).toUpper();
}

bool isApdu(const TraceEvent& e) {
  return e.format == kApduFormat;
}

std::optional<std::string> isoDialectId(const TraceEvent& e) {
  if (!e.format.starts_with(kIsoFormatPrefix)) return std::nullopt;
  return e.format.substr(kIsoFormatPrefix.size());
}

// Appends a row (field, value, meaning) below `parent`; returns its first item.
QStandardItem* addRow(QStandardItem* parent, const QString& field, const QString& value = {},
                      const QString& meaning = {}) {
  QList<QStandardItem*> items{new QStandardItem(field), new QStandardItem(value),
                              new QStandardItem(meaning)};
  for (QStandardItem* item : items) {
    item->setEditable(false);
    item->setToolTip(item->text());
  }
  parent->appendRow(items);
  return items.front();
}

// The rows of a described TLV tree (children, details and warnings below their tag). Iterative:
// the tree comes from untrusted bytes.
void addDescribed(QStandardItem* parent, const std::vector<emv::DescribedTlv>& items) {
  std::vector<std::pair<const emv::DescribedTlv*, QStandardItem*>> stack;
  for (auto it = items.rbegin(); it != items.rend(); ++it) stack.emplace_back(&*it, parent);
  while (!stack.empty()) {
    auto [node, under] = stack.back();
    stack.pop_back();
    const QString name = node->name.empty() ? QStringLiteral("(unknown tag)") : qs(node->name);
    QString meaning = qs(node->summary);
    if (node->truncated) meaning += (meaning.isEmpty() ? "" : "; ") + QStringLiteral("truncated");
    QStandardItem* row =
        addRow(under, qs(emv::tagToHex(node->tag)) + " " + name, qs(node->value_hex), meaning);
    for (const std::string& detail : node->details) addRow(row, QString(), QString(), qs(detail));
    for (const std::string& warning : node->warnings) {
      addRow(row, QStringLiteral("!"), QString(), qs(warning));
    }
    for (auto it = node->children.rbegin(); it != node->children.rend(); ++it) {
      stack.emplace_back(&*it, row);
    }
  }
}

void addTlvDiagnostics(QStandardItem* parent, const std::vector<emv::TlvDiagnostic>& diagnostics) {
  for (const emv::TlvDiagnostic& d : diagnostics) {
    addRow(parent, QStringLiteral("!"), QStringLiteral("offset %1").arg(d.offset), qs(d.message));
  }
}

// The values of DOL-related data, one row per DOL entry, decoded with the currency the data
// itself carries (5F2A).
void addDolData(QStandardItem* parent, ByteView dol, ByteView data, emv::Scheme scheme) {
  const emv::DolParseResult parsed = emv::parseDol(dol);
  auto split = emv::splitDolData(parsed.entries, data);
  if (!split.isOk()) {
    addRow(parent, QStringLiteral("!"), QString(), qs(split.status().message()));
    return;
  }
  emv::DecodeContext context;
  context.scheme = scheme;
  for (const emv::DolValue& v : *split) {
    if (v.entry.tag == emv::kTag5F2ATransactionCurrencyCode && v.value.size() == 2) {
      context.transaction_currency =
          static_cast<std::uint16_t>(((v.value[0] >> 4) * 1000) + ((v.value[0] & 0x0F) * 100) +
                                     ((v.value[1] >> 4) * 10) + (v.value[1] & 0x0F));
    }
  }
  for (const emv::DolValue& v : *split) {
    const emv::DecodedValue decoded = emv::decodeValue(v.entry.tag, v.value, context);
    QStandardItem* row =
        addRow(parent, qs(emv::tagDisplayName(v.entry.tag, scheme)),
               qs(emv::displayValueHex(v.entry.tag, v.value)), qs(decoded.summary));
    for (const std::string& detail : decoded.details) addRow(row, QString(), QString(), qs(detail));
    for (const std::string& warning : decoded.warnings) {
      addRow(row, QStringLiteral("!"), QString(), qs(warning));
    }
  }
}

QString p1Meaning(const emv::CommandApdu& c) {
  switch (c.ins) {
    case emv::kInsSelect: return c.p1 == 0x04 ? QStringLiteral("select by name") : QString();
    case emv::kInsReadRecord: return QStringLiteral("record %1").arg(c.p1);
    case emv::kInsGenerateAc: {
      QString out;
      switch (c.p1 & 0xC0) {
        case static_cast<int>(emv::GenerateAcReference::kAac):
          out = QStringLiteral("AAC requested");
          break;
        case static_cast<int>(emv::GenerateAcReference::kTc):
          out = QStringLiteral("TC requested");
          break;
        case static_cast<int>(emv::GenerateAcReference::kArqc):
          out = QStringLiteral("ARQC requested");
          break;
        default: out = QStringLiteral("RFU reference");
      }
      if ((c.p1 & emv::kGenerateAcCdaRequested) != 0) out += QStringLiteral(", CDA signature");
      return out;
    }
    case emv::kInsGetData: {
      const emv::Tag tag = (static_cast<emv::Tag>(c.p1) << 8) | c.p2;
      return QStringLiteral("tag ") + qs(emv::tagDisplayName(c.p1 == 0 ? c.p2 : tag));
    }
    default: return {};
  }
}

QString p2Meaning(const emv::CommandApdu& c) {
  switch (c.ins) {
    case emv::kInsSelect:
      if (c.p2 == static_cast<std::uint8_t>(emv::SelectOccurrence::kFirst)) {
        return QStringLiteral("first or only occurrence");
      }
      if (c.p2 == static_cast<std::uint8_t>(emv::SelectOccurrence::kNext)) {
        return QStringLiteral("next occurrence");
      }
      return {};
    case emv::kInsReadRecord:
      return QStringLiteral("SFI %1").arg(c.p2 >> 3) +
             ((c.p2 & 0x07) == 0x04 ? QStringLiteral(", P1 is a record number") : QString());
    case emv::kInsVerify:
      if (c.p2 == static_cast<std::uint8_t>(emv::PinQualifier::kPlaintext)) {
        return QStringLiteral("plaintext PIN");
      }
      if (c.p2 == static_cast<std::uint8_t>(emv::PinQualifier::kEnciphered)) {
        return QStringLiteral("enciphered PIN");
      }
      return {};
    default: return {};
  }
}

// Printable ASCII or "".
QString printable(ByteView data) {
  QString out;
  for (std::uint8_t b : data) {
    if (b < 0x20 || b > 0x7E) return {};
    out += QChar(b);
  }
  return out;
}

// A format 1 template (80) as the data objects it packs (EMV Book 3 §6.5.5.4, §6.5.8.4).
Bytes formatOneObjects(std::uint8_t ins, ByteView value) {
  Bytes out;
  if (ins == emv::kInsGenerateAc && value.size() >= 11) {
    emv::appendTlv(out, emv::kTag9F27CryptogramInformationData, value.first(1));
    emv::appendTlv(out, emv::kTag9F36ApplicationTransactionCounter, value.subspan(1, 2));
    emv::appendTlv(out, emv::kTag9F26ApplicationCryptogram, value.subspan(3, 8));
    if (value.size() > 11) {
      emv::appendTlv(out, emv::kTag9F10IssuerApplicationData, value.subspan(11));
    }
  } else if (ins == emv::kInsGetProcessingOptions && value.size() >= 2) {
    emv::appendTlv(out, emv::kTag82ApplicationInterchangeProfile, value.first(2));
    if (value.size() > 2) emv::appendTlv(out, emv::kTag94ApplicationFileLocator, value.subspan(2));
  }
  return out;
}

// Masks in `hex` (of the whole message) the wire bytes of a field that must not be read.
void maskIsoField(const iso8583::FieldSpec& spec, std::string_view value,
                  const iso8583::FieldLayout& at, std::string& hex) {
  const std::size_t start = at.offset + at.prefix_size;
  if ((start + at.size) * 2 > hex.size()) return;
  auto mask_bytes = [&](std::size_t first, std::size_t count) {
    for (std::size_t i = first; i < first + count && i < at.size; ++i) {
      hex[(start + i) * 2] = '*';
      hex[(start + i) * 2 + 1] = '*';
    }
  };
  if (spec.tlv && !spec.sensitive) {
    const std::string shown = emv::redactedTlvHex(asBytes(value));
    if (spec.data_encoding == iso8583::DataEncoding::kBinary && shown.size() == at.size * 2) {
      for (std::size_t j = 0; j < shown.size(); ++j) {
        if (shown[j] == '*') hex[start * 2 + j] = '*';
      }
    } else if (spec.data_encoding == iso8583::DataEncoding::kHex && shown.size() == at.size) {
      for (std::size_t j = 0; j < shown.size(); ++j) {
        if (shown[j] == '*') mask_bytes(j, 1);
      }
    }
    return;
  }
  if (!spec.sensitive) return;
  const std::string shown = iso8583::displayValue(spec, value);
  const bool text = spec.data_encoding == iso8583::DataEncoding::kAscii ||
                    spec.data_encoding == iso8583::DataEncoding::kEbcdic;
  if (iso8583::isHidden(spec) || shown.size() != value.size()) {
    mask_bytes(0, at.size);
  } else if (text && value.size() == at.size) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (shown[i] != value[i]) mask_bytes(i, 1);
    }
  } else if (spec.data_encoding == iso8583::DataEncoding::kBcd &&
             (value.size() + 1) / 2 == at.size) {
    // Digits are nibbles; an odd count padded on the left starts one nibble in.
    const bool left_pad = value.size() % 2 == 1 && spec.padding != iso8583::Padding::kRightF &&
                          spec.padding != iso8583::Padding::kRightZero;
    const std::size_t shift = left_pad ? 1 : 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (shown[i] != value[i]) hex[start * 2 + shift + i] = '*';
    }
  } else {
    mask_bytes(0, at.size);
  }
}

std::string redactedIsoHex(const TraceEvent& event, const std::string& dialect_id) {
  std::string hex = toHex(event.data);
  auto dialect = scenarios::resolveDialect(dialect_id);
  if (!dialect.isOk()) return std::string(hex.size(), '*');  // cannot tell what is sensitive
  const iso8583::Unpacked unpacked = iso8583::unpack(**dialect, event.data);
  for (const iso8583::FieldLayout& at : unpacked.layout) {
    if (at.field < 2) continue;
    const iso8583::FieldSpec* spec = (*dialect)->field(at.field);
    if (spec == nullptr) continue;
    maskIsoField(*spec, unpacked.message.get(at.field), at, hex);
  }
  // Bytes after a decode error are not understood: a PAN could be among them.
  if (!unpacked.ok()) {
    std::size_t understood = 0;
    for (const iso8583::FieldLayout& at : unpacked.layout) {
      understood = std::max(understood, at.offset + at.prefix_size + at.size);
    }
    for (std::size_t i = understood * 2; i < hex.size(); ++i) hex[i] = '*';
  }
  return hex;
}

}  // namespace

// ---- free functions ----

ApduContext apduContextFor(const TraceModel& model, int row) {
  ApduContext context;
  const TraceEvent& event = model.eventAt(row);
  if (!isApdu(event)) return context;
  const int key = model.keyAt(row);
  if (event.kind == TraceKind::kApduResponse) {
    for (int r = row - 1; r >= 0; --r) {
      const TraceEvent& e = model.eventAt(r);
      if (model.keyAt(r) != key || !isApdu(e)) continue;
      if (e.kind == TraceKind::kApduCommand && e.data.size() >= 2) context.answered_ins = e.data[1];
      if (e.kind == TraceKind::kApduCommand) break;
    }
    return context;
  }
  if (event.kind != TraceKind::kApduCommand || event.data.size() < 2) return context;
  emv::Tag wanted = 0;
  if (event.data[1] == emv::kInsGetProcessingOptions) {
    wanted = emv::kTag9F38Pdol;
  } else if (event.data[1] == emv::kInsGenerateAc) {
    int earlier = 0;
    for (int r = row - 1; r >= 0; --r) {
      const TraceEvent& e = model.eventAt(r);
      if (model.keyAt(r) != key || !isApdu(e) || e.kind != TraceKind::kApduCommand) continue;
      if (e.data.size() < 2) continue;
      if (e.data[1] == emv::kInsSelect) break;
      if (e.data[1] == emv::kInsGenerateAc) ++earlier;
    }
    wanted = earlier == 0 ? emv::kTag8CCdol1 : emv::kTag8DCdol2;
  } else {
    return context;
  }
  for (int r = row - 1; r >= 0; --r) {
    const TraceEvent& e = model.eventAt(r);
    if (model.keyAt(r) != key || !isApdu(e) || e.kind != TraceKind::kApduResponse) continue;
    if (e.data.size() <= 2) continue;
    const ByteView data = ByteView(e.data).first(e.data.size() - 2);
    const emv::TlvDecodeResult tree = emv::decodeTlv(data);
    if (const emv::TlvNode* node = emv::findTlv(tree.nodes, wanted)) {
      context.dol.assign(node->value.begin(), node->value.end());
      break;
    }
  }
  return context;
}

std::string redactedHex(const TraceEvent& event) {
  if (event.data.empty()) return {};
  if (isApdu(event)) {
    return event.kind == TraceKind::kApduCommand ? emv::redactedCommandHex(event.data)
                                                 : emv::redactedResponseHex(event.data);
  }
  if (auto id = isoDialectId(event)) return redactedIsoHex(event, *id);
  return toHex(event.data);
}

QString hexDump(const TraceEvent& event) {
  const std::string hex = redactedHex(event);
  const std::size_t size = hex.size() / 2;
  constexpr std::size_t kPerLine = 16;
  QString out;
  for (std::size_t line = 0; line < size; line += kPerLine) {
    QString hex_part;
    QString ascii;
    for (std::size_t i = line; i < line + kPerLine; ++i) {
      if (i >= size) {
        hex_part += QStringLiteral("   ");
        continue;
      }
      const char high = hex[i * 2];
      const char low = hex[i * 2 + 1];
      hex_part += QChar(high);
      hex_part += QChar(low);
      hex_part += QChar(' ');
      if (high == '*' || low == '*') {
        ascii += QChar('*');
      } else {
        const std::uint8_t b = event.data[i];
        ascii += (b >= 0x20 && b <= 0x7E) ? QChar(b) : QChar('.');
      }
    }
    out += QStringLiteral("%1  ").arg(line, 4, 16, QChar('0')).toUpper();
    out += hex_part;
    out += QChar(' ');
    out += ascii;
    out += QChar('\n');
  }
  return out;
}

// ---- DecodedTreeModel ----

DecodedTreeModel::DecodedTreeModel(QObject* parent) : QStandardItemModel(parent) {
  setColumnCount(kColumnCount);
  setHorizontalHeaderLabels({tr("Field"), tr("Value"), tr("Meaning")});
}

void DecodedTreeModel::clearEvent() {
  removeRows(0, rowCount());
}

void DecodedTreeModel::setEvent(const TraceEvent& event, const ApduContext& context) {
  clearEvent();
  if (isApdu(event) && event.kind == TraceKind::kApduCommand) {
    decodeApduCommand(event, context);
  } else if (isApdu(event) && event.kind == TraceKind::kApduResponse) {
    decodeApduResponse(event, context);
  } else if (auto id = isoDialectId(event)) {
    decodeIso8583(event, *id);
  } else {
    decodeText(event);
  }
}

void DecodedTreeModel::decodeApduCommand(const TraceEvent& event, const ApduContext& context) {
  QStandardItem* root = invisibleRootItem();
  const std::string shown = emv::redactedCommandHex(event.data);
  auto parsed = emv::CommandApdu::parse(event.data);
  if (!parsed.isOk()) {
    QStandardItem* top = addRow(root, QStringLiteral("C-APDU"), qs(shown), qs(event.summary));
    addRow(top, QStringLiteral("!"), QString(), qs(parsed.status().message()));
    return;
  }
  const emv::CommandApdu& c = *parsed;
  QStandardItem* top = addRow(root, QStringLiteral("C-APDU"), qs(shown), qs(c.describe()));
  addRow(top, QStringLiteral("CLA"), hexByte(c.cla),
         (c.cla & 0x80) != 0 ? QStringLiteral("proprietary class")
                             : QStringLiteral("interindustry class"));
  addRow(top, QStringLiteral("INS"), hexByte(c.ins), insName(c.ins));
  addRow(top, QStringLiteral("P1"), hexByte(c.p1), p1Meaning(c));
  addRow(top, QStringLiteral("P2"), hexByte(c.p2), p2Meaning(c));
  if (!c.data.empty()) {
    addRow(top, QStringLiteral("Lc"), hexByte(static_cast<std::uint8_t>(c.data.size())),
           QStringLiteral("%1 bytes").arg(c.data.size()));
    const QString data_hex = qs(std::string_view(shown).substr(10, c.data.size() * 2));
    if (c.ins == emv::kInsVerify) {
      addRow(top, QStringLiteral("Data"), data_hex,
             QStringLiteral("[PIN data, %1 bytes]").arg(c.data.size()));
    } else if (c.ins == emv::kInsSelect) {
      const QString text = printable(c.data);
      addRow(top, QStringLiteral("DF name"), data_hex,
             text.isEmpty() ? qs(emv::schemeName(emv::schemeFromAid(c.data))) + " AID" : text);
    } else if (c.ins == emv::kInsGetProcessingOptions) {
      QStandardItem* data = addRow(top, QStringLiteral("Data"), data_hex, QString());
      const emv::TlvDecodeResult tree = emv::decodeTlv(c.data);
      const emv::TlvNode* pdol_data = emv::findTlv(tree.nodes, emv::kTag83CommandTemplate);
      if (pdol_data != nullptr) {
        QStandardItem* template_row =
            addRow(data, qs(emv::tagDisplayName(emv::kTag83CommandTemplate)),
                   QStringLiteral("%1 bytes").arg(pdol_data->value.size()),
                   context.dol.empty() ? QStringLiteral("PDOL data (PDOL not seen)")
                                       : QStringLiteral("PDOL data"));
        if (!context.dol.empty()) {
          addDolData(template_row, context.dol, pdol_data->value, emv::Scheme::kEmv);
        }
      } else {
        addTlvDiagnostics(data, tree.diagnostics);
      }
    } else if (c.ins == emv::kInsGenerateAc) {
      QStandardItem* data = addRow(top, QStringLiteral("Data"), data_hex,
                                   context.dol.empty() ? QStringLiteral("CDOL data (CDOL not seen)")
                                                       : QStringLiteral("CDOL data"));
      if (!context.dol.empty()) addDolData(data, context.dol, c.data, emv::Scheme::kEmv);
    } else {
      addRow(top, QStringLiteral("Data"), data_hex, QString());
    }
  }
  if (c.le.has_value()) {
    addRow(top, QStringLiteral("Le"), hexByte(*c.le),
           *c.le == 0 ? QStringLiteral("up to 256 bytes") : QStringLiteral("%1 bytes").arg(*c.le));
  }
}

void DecodedTreeModel::decodeApduResponse(const TraceEvent& event, const ApduContext& context) {
  QStandardItem* root = invisibleRootItem();
  const std::string shown = emv::redactedResponseHex(event.data);
  if (event.data.size() < 2) {
    QStandardItem* top = addRow(root, QStringLiteral("R-APDU"), qs(shown), qs(event.summary));
    addRow(top, QStringLiteral("!"), QString(), QStringLiteral("no status word"));
    return;
  }
  const auto sw =
      static_cast<std::uint16_t>((event.data[event.data.size() - 2] << 8) | event.data.back());
  QString meaning = qs(emv::describeStatusWord(sw));
  if (context.answered_ins) {
    const QString name = insName(*context.answered_ins);
    if (!name.isEmpty()) meaning = name + QStringLiteral(" response: ") + meaning;
  }
  QStandardItem* top = addRow(root, QStringLiteral("R-APDU"), qs(shown), meaning);
  const ByteView data = ByteView(event.data).first(event.data.size() - 2);
  if (!data.empty()) {
    const emv::TlvDescription description = emv::describeTlv(data);
    addDescribed(top, description.items);
    addTlvDiagnostics(top, description.diagnostics);
    // A format 1 template is one primitive value; show what it packs.
    if (context.answered_ins) {
      const emv::TlvDecodeResult tree = emv::decodeTlv(data);
      for (int i = 0; i < top->rowCount() && i < static_cast<int>(tree.nodes.size()); ++i) {
        const emv::TlvNode& node = tree.nodes[static_cast<std::size_t>(i)];
        if (node.tag != emv::kTag80ResponseMessageTemplateFormat1) continue;
        if (!top->child(i)->text().startsWith(QStringLiteral("80 "))) continue;
        const Bytes objects = formatOneObjects(*context.answered_ins, node.value);
        if (objects.empty()) continue;
        emv::DescribeOptions options;
        options.scheme = description.scheme;
        addDescribed(top->child(i), emv::describeTlv(objects, options).items);
      }
    }
  }
  addRow(top, QStringLiteral("SW1 SW2"), QStringLiteral("%1").arg(sw, 4, 16, QChar('0')).toUpper(),
         qs(emv::describeStatusWord(sw)));
}

void DecodedTreeModel::decodeIso8583(const TraceEvent& event, const std::string& dialect_id) {
  QStandardItem* root = invisibleRootItem();
  auto dialect = scenarios::resolveDialect(dialect_id);
  if (!dialect.isOk()) {
    addRow(root, QStringLiteral("!"), qs(dialect_id), qs(dialect.status().message()));
    return;
  }
  const iso8583::Dialect& d = **dialect;
  const iso8583::Unpacked unpacked = iso8583::unpack(d, event.data);
  const iso8583::Message& message = unpacked.message;
  QStandardItem* top =
      addRow(root, QStringLiteral("ISO 8583"), qs(d.id),
             QStringLiteral("%1 bytes, %2").arg(event.data.size()).arg(qs(d.description)));
  if (!message.tpdu().empty()) addRow(top, QStringLiteral("TPDU"), qs(toHex(message.tpdu())));
  if (!message.header().empty()) {
    addRow(top, QStringLiteral("Header"), qs(toHex(message.header())));
  }
  if (!message.mti().empty()) {
    addRow(top, QStringLiteral("MTI"), qs(message.mti()),
           qs(iso8583::mtiDescription(message.mti())));
  }
  for (const iso8583::FieldLayout& at : unpacked.layout) {
    if (at.field != 1) continue;
    const ByteView raw =
        ByteView(event.data)
            .subspan(std::min(at.offset + at.prefix_size, event.data.size()),
                     std::min(at.size, event.data.size() - std::min(at.offset + at.prefix_size,
                                                                    event.data.size())));
    QStringList present;
    for (const auto& [number, value] : message.fields()) present << QString::number(number);
    addRow(
        top, QStringLiteral("Bitmap"),
        d.bitmap_encoding == iso8583::BitmapEncoding::kBinary ? qs(toHex(raw)) : qs(asString(raw)),
        QStringLiteral("fields ") + present.join(QStringLiteral(", ")));
  }
  for (const auto& [number, value] : message.fields()) {
    const iso8583::FieldSpec* spec = d.field(number);
    const QString field = QStringLiteral("DE %1").arg(number) +
                          (spec != nullptr ? QStringLiteral(" ") + qs(spec->name) : QString());
    if (spec == nullptr) {
      addRow(top, field, QStringLiteral("[%1 bytes]").arg(value.size()),
             QStringLiteral("not defined by the dialect"));
      continue;
    }
    if (spec->tlv && !spec->sensitive) {
      const Bytes bytes(asBytes(value).begin(), asBytes(value).end());
      const emv::TlvDescription description = emv::describeTlv(bytes);
      QStandardItem* row = addRow(top, field, qs(emv::redactedTlvHex(bytes)),
                                  QStringLiteral("%1 bytes of EMV data").arg(bytes.size()));
      addDescribed(row, description.items);
      addTlvDiagnostics(row, description.diagnostics);
      continue;
    }
    QStandardItem* row = addRow(top, field, qs(iso8583::displayValue(*spec, value)),
                                qs(iso8583::fieldDescription(d, message, number)));
    for (const iso8583::SubfieldValue& part : iso8583::subfieldValues(*spec, value)) {
      addRow(row, qs(part.spec->id) + " " + qs(part.spec->name), qs(part.value));
    }
  }
  for (const iso8583::Diagnostic& diagnostic : unpacked.diagnostics) {
    addRow(top, QStringLiteral("!"), QStringLiteral("byte %1").arg(diagnostic.offset),
           qs(diagnostic.message));
  }
}

void DecodedTreeModel::decodeText(const TraceEvent& event) {
  QStandardItem* root = invisibleRootItem();
  const QStringList lines = QString::fromStdString(event.summary).split(QChar('\n'));
  QStandardItem* top = addRow(root, qs(traceKindName(event.kind)), qs(event.source), lines.front());
  for (qsizetype i = 1; i < lines.size(); ++i) addRow(top, QString(), QString(), lines[i]);
  if (!event.data.empty()) {
    addRow(top, QStringLiteral("Data"), qs(redactedHex(event)),
           QStringLiteral("%1 bytes").arg(event.data.size()));
  }
}

QString DecodedTreeModel::toText() const {
  QString out;
  std::vector<std::pair<QModelIndex, int>> stack;
  for (int r = rowCount() - 1; r >= 0; --r) stack.emplace_back(index(r, 0), 0);
  while (!stack.empty()) {
    auto [idx, depth] = stack.back();
    stack.pop_back();
    QStringList parts;
    for (int column = 0; column < kColumnCount; ++column) {
      const QString text = idx.siblingAtColumn(column).data().toString();
      if (!text.isEmpty()) parts << text;
    }
    out += QString(depth * 2, QChar(' ')) + parts.join(QStringLiteral("  ")) + QChar('\n');
    for (int r = rowCount(idx) - 1; r >= 0; --r) stack.emplace_back(index(r, 0, idx), depth + 1);
  }
  return out;
}

QModelIndex DecodedTreeModel::findField(const QString& field_prefix) const {
  std::vector<QModelIndex> stack;
  for (int r = rowCount() - 1; r >= 0; --r) stack.push_back(index(r, 0));
  while (!stack.empty()) {
    const QModelIndex idx = stack.back();
    stack.pop_back();
    if (idx.data().toString().startsWith(field_prefix)) return idx;
    for (int r = rowCount(idx) - 1; r >= 0; --r) stack.push_back(index(r, 0, idx));
  }
  return {};
}

}  // namespace posim::gui
