// The YAML editor: the line tokenizer behind the highlighter (keys, strings, numbers, comments,
// items, anchors), the formats the highlighter applies, goToLine, the gutter, load and save.
#include "widgets/yaml_editor.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using posim::gui::YamlEditor;
using posim::gui::YamlHighlighter;
using posim::gui::YamlToken;
using Kind = posim::gui::YamlToken::Kind;

namespace {

// "kind:text" per token, to compare in one go.
QStringList describe(const QString& line) {
  QStringList out;
  for (const YamlToken& token : posim::gui::tokenizeYamlLine(line)) {
    QString kind;
    switch (token.kind) {
      case Kind::kKey: kind = QStringLiteral("key"); break;
      case Kind::kString: kind = QStringLiteral("string"); break;
      case Kind::kNumber: kind = QStringLiteral("number"); break;
      case Kind::kKeyword: kind = QStringLiteral("keyword"); break;
      case Kind::kComment: kind = QStringLiteral("comment"); break;
      case Kind::kItem: kind = QStringLiteral("item"); break;
      case Kind::kAnchor: kind = QStringLiteral("anchor"); break;
      case Kind::kTag: kind = QStringLiteral("tag"); break;
    }
    out << kind + QLatin1Char(':') + line.mid(token.start, token.length);
  }
  return out;
}

constexpr const char* kScenario =
    "posim: 1\n"
    "name: Chip sale\n"
    "steps:\n"
    "  - id: lunch\n"
    "    sale: {card: visa, entry: chip, amount: \"128.00\"}\n";

}  // namespace

class YamlEditorTest : public QObject {
  Q_OBJECT

 private slots:
  void tokenizesBlockKeysAndComments();
  void tokenizesFlowMappings();
  void tokenizesItemsAnchorsAndScalars_data();
  void tokenizesItemsAnchorsAndScalars();
  void highlighterAppliesTheFormats();
  void goToLineMovesTheCursorAndHighlights();
  void goToLineClampsOutOfRange();
  void editingClearsTheHighlight();
  void gutterGrowsWithTheLineCount();
  void loadAndSaveRoundTrip();
};

void YamlEditorTest::tokenizesBlockKeysAndComments() {
  QCOMPARE(describe(QStringLiteral("posim: 1   # format version")),
           (QStringList{"key:posim", "number:1", "comment:# format version"}));
  QCOMPARE(describe(QStringLiteral("# a whole-line comment: not a key")),
           (QStringList{"comment:# a whole-line comment: not a key"}));
  // A colon without a space is part of a plain scalar; '#' without a space is not a comment.
  QCOMPARE(describe(QStringLiteral("url: http://host:8583/x#y")), (QStringList{"key:url"}));
  QCOMPARE(describe(QStringLiteral("name: Chip sale, online PIN")), (QStringList{"key:name"}));
  QCOMPARE(describe(QStringLiteral("\"quoted key\": 'it''s'")),
           (QStringList{"key:\"quoted key\"", "string:'it''s'"}));
  QCOMPARE(describe(QStringLiteral("start: \"2026-11-02T10:00:00+08:00\"  # Monday")),
           (QStringList{"key:start", "string:\"2026-11-02T10:00:00+08:00\"", "comment:# Monday"}));
}

void YamlEditorTest::tokenizesFlowMappings() {
  QCOMPARE(describe(QStringLiteral("    sale: {card: visa, entry: chip, amount: \"128.00\"}")),
           (QStringList{"key:sale", "key:card", "key:entry", "key:amount", "string:\"128.00\""}));
  QCOMPARE(describe(QStringLiteral("expect: {approved: true, rate: 0.006, n: -12, x: null}")),
           (QStringList{"key:expect", "key:approved", "keyword:true", "key:rate", "number:0.006",
                        "key:n", "number:-12", "key:x", "keyword:null"}));
  QCOMPARE(describe(QStringLiteral("payout: [\"09:00\", 15]")),
           (QStringList{"key:payout", "string:\"09:00\"", "number:15"}));
}

void YamlEditorTest::tokenizesItemsAnchorsAndScalars_data() {
  QTest::addColumn<QString>("line");
  QTest::addColumn<QStringList>("tokens");
  QTest::newRow("item with key") << QStringLiteral("  - id: hold")
                                 << QStringList{"item:-", "key:id"};
  QTest::newRow("nested items") << QStringLiteral("- - 3")
                                << QStringList{"item:-", "item:-", "number:3"};
  QTest::newRow("bare item") << QStringLiteral("  -") << QStringList{"item:-"};
  QTest::newRow("negative number is no item")
      << QStringLiteral("- -5") << QStringList{"item:-", "number:-5"};
  QTest::newRow("anchor") << QStringLiteral("base: &visa {profile: visa-credit}")
                          << QStringList{"key:base", "anchor:&visa", "key:profile"};
  QTest::newRow("alias") << QStringLiteral("  card: *visa")
                         << QStringList{"key:card", "anchor:*visa"};
  QTest::newRow("merge key") << QStringLiteral("  <<: *visa")
                             << QStringList{"key:<<", "anchor:*visa"};
  QTest::newRow("tag") << QStringLiteral("n: !!int \"3\"")
                       << QStringList{"key:n", "tag:!!int", "string:\"3\""};
  QTest::newRow("date is plain") << QStringLiteral("clearing_date: 2026-11-02")
                                 << QStringList{"key:clearing_date"};
  QTest::newRow("escaped quote") << QStringLiteral("s: \"a \\\" b\" # c")
                                 << QStringList{"key:s", "string:\"a \\\" b\"", "comment:# c"};
  QTest::newRow("unterminated string")
      << QStringLiteral("s: \"abc") << QStringList{"key:s", "string:\"abc"};
}

void YamlEditorTest::tokenizesItemsAnchorsAndScalars() {
  QFETCH(QString, line);
  QFETCH(QStringList, tokens);
  QCOMPARE(describe(line), tokens);
}

void YamlEditorTest::highlighterAppliesTheFormats() {
  YamlEditor editor;
  editor.setPlainText(QString::fromUtf8(kScenario));
  const QTextBlock block = editor.document()->findBlockByNumber(4);
  const QList<QTextLayout::FormatRange> formats = block.layout()->formats();
  const QString text = block.text();
  auto formatAt = [&](const QString& piece) -> QTextCharFormat {
    const int at = static_cast<int>(text.indexOf(piece));
    for (const auto& range : formats) {
      if (range.start <= at && at < range.start + range.length) return range.format;
    }
    return {};
  };
  const YamlHighlighter* highlighter = editor.highlighter();
  QCOMPARE(formatAt(QStringLiteral("sale")).foreground(),
           highlighter->format(Kind::kKey).foreground());
  QCOMPARE(formatAt(QStringLiteral("amount")).foreground(),
           highlighter->format(Kind::kKey).foreground());
  QCOMPARE(formatAt(QStringLiteral("\"128.00\"")).foreground(),
           highlighter->format(Kind::kString).foreground());
  QVERIFY(highlighter->format(Kind::kKey).foreground() !=
          highlighter->format(Kind::kString).foreground());
  // Plain scalars keep the default format.
  QVERIFY(formatAt(QStringLiteral("visa")).foreground() !=
          highlighter->format(Kind::kKey).foreground());
  const QTextBlock item = editor.document()->findBlockByNumber(3);
  bool dash_is_item = false;
  for (const auto& range : item.layout()->formats()) {
    if (range.start == 2 && range.length == 1) {
      dash_is_item = range.format.foreground() == highlighter->format(Kind::kItem).foreground();
    }
  }
  QVERIFY(dash_is_item);
}

void YamlEditorTest::goToLineMovesTheCursorAndHighlights() {
  YamlEditor editor;
  editor.resize(400, 200);
  editor.setPlainText(QString::fromUtf8(kScenario));
  QCOMPARE(editor.highlightedLine(), 0);
  editor.goToLine(5, 12);
  QCOMPARE(editor.cursorLine(), 5);
  QCOMPARE(editor.cursorColumn(), 12);
  QCOMPARE(editor.textCursor().block().text().mid(11, 4), QStringLiteral("card"));
  QCOMPARE(editor.highlightedLine(), 5);
  QCOMPARE(editor.extraSelections().size(), 1);
  QCOMPARE(editor.extraSelections().front().cursor.blockNumber(), 4);
  editor.goToLine(2);
  QCOMPARE(editor.cursorLine(), 2);
  QCOMPARE(editor.cursorColumn(), 1);
  QCOMPARE(editor.highlightedLine(), 2);
}

void YamlEditorTest::goToLineClampsOutOfRange() {
  YamlEditor editor;
  editor.setPlainText(QStringLiteral("a: 1\nbb: 2"));
  editor.goToLine(99, 99);
  QCOMPARE(editor.cursorLine(), 2);
  QCOMPARE(editor.cursorColumn(), 6);  // after "bb: 2"
  editor.goToLine(0, 0);
  QCOMPARE(editor.cursorLine(), 1);
  QCOMPARE(editor.cursorColumn(), 1);
}

void YamlEditorTest::editingClearsTheHighlight() {
  YamlEditor editor;
  editor.setPlainText(QString::fromUtf8(kScenario));
  editor.goToLine(3);
  QCOMPARE(editor.highlightedLine(), 3);
  QVERIFY(!editor.isModified());
  QTest::keyClicks(&editor, QStringLiteral("x"));
  QVERIFY(editor.isModified());
  QCOMPARE(editor.highlightedLine(), 0);
  QVERIFY(editor.extraSelections().isEmpty());
  QVERIFY(editor.toPlainText().contains(QStringLiteral("xsteps:")));
}

void YamlEditorTest::gutterGrowsWithTheLineCount() {
  YamlEditor editor;
  QVERIFY(editor.lineNumberArea() != nullptr);
  QCOMPARE(editor.lineNumberArea()->objectName(), QStringLiteral("lineNumberArea"));
  editor.setPlainText(QStringLiteral("a: 1"));
  const int narrow = editor.lineNumberAreaWidth();
  QVERIFY(narrow > 0);
  QString many;
  for (int i = 0; i < 12000; ++i) many += QStringLiteral("k%1: %1\n").arg(i);
  editor.setPlainText(many);
  QVERIFY(editor.lineNumberAreaWidth() > narrow);
  editor.resize(300, 200);
  editor.show();
  QVERIFY(QTest::qWaitForWindowExposed(&editor));
  QCOMPARE(editor.lineNumberArea()->width(), editor.lineNumberAreaWidth());
}

void YamlEditorTest::loadAndSaveRoundTrip() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("s.yaml"));
  YamlEditor editor;
  QVERIFY(!editor.loadFile(path));  // does not exist yet
  editor.setPlainText(QStringLiteral("name: Café\n"));
  editor.setModified(true);
  QVERIFY(editor.saveFile(path));
  QVERIFY(!editor.isModified());
  QFile file(path);
  QVERIFY(file.open(QIODevice::ReadOnly));
  QCOMPARE(QString::fromUtf8(file.readAll()), QStringLiteral("name: Café\n"));
  YamlEditor other;
  QVERIFY(other.loadFile(path));
  QCOMPARE(other.toPlainText(), QStringLiteral("name: Café\n"));
  QVERIFY(!other.isModified());
  QVERIFY(!editor.saveFile(dir.filePath(QStringLiteral("no/such/dir/s.yaml"))));
}

QTEST_MAIN(YamlEditorTest)
#include "yaml_editor_test.moc"
