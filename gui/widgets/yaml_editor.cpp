#include "widgets/yaml_editor.h"

#include <QColor>
#include <QFile>
#include <QFontDatabase>
#include <QPaintEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QSaveFile>
#include <QStringList>
#include <QTextBlock>
#include <algorithm>

namespace posim::gui {
namespace {

bool isSpace(QChar c) {
  return c == QLatin1Char(' ') || c == QLatin1Char('\t');
}

bool isFlowIndicator(QChar c) {
  return c == QLatin1Char(',') || c == QLatin1Char('[') || c == QLatin1Char(']') ||
         c == QLatin1Char('{') || c == QLatin1Char('}');
}

// A ':' at `i` ends a key when a space, the end of the line or (in flow) a flow indicator
// follows.
bool isKeyColon(const QString& line, qsizetype i, bool in_flow) {
  if (i >= line.size() || line[i] != QLatin1Char(':')) return false;
  if (i + 1 >= line.size()) return true;
  const QChar next = line[i + 1];
  return isSpace(next) || (in_flow && isFlowIndicator(next));
}

bool isNumber(const QString& word) {
  static const QRegularExpression kNumber(QStringLiteral(
      R"(^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^0x[0-9A-Fa-f]+$|^0o[0-7]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$)"));
  return kNumber.match(word).hasMatch();
}

bool isKeyword(const QString& word) {
  static const QStringList kWords = {
      QStringLiteral("true"),  QStringLiteral("false"), QStringLiteral("True"),
      QStringLiteral("False"), QStringLiteral("TRUE"),  QStringLiteral("FALSE"),
      QStringLiteral("null"),  QStringLiteral("Null"),  QStringLiteral("NULL"),
      QStringLiteral("~"),     QStringLiteral("yes"),   QStringLiteral("no")};
  return kWords.contains(word);
}

int toInt(qsizetype value) {
  return static_cast<int>(value);
}

}  // namespace

std::vector<YamlToken> tokenizeYamlLine(const QString& line) {
  std::vector<YamlToken> tokens;
  auto add = [&tokens](YamlToken::Kind kind, qsizetype start, qsizetype length) {
    if (length > 0) tokens.push_back({kind, toInt(start), toInt(length)});
  };
  const qsizetype n = line.size();
  qsizetype i = 0;
  int flow_depth = 0;
  bool at_node_start = true;  // only indentation, `- ` markers or a `key: ` before i
  while (i < n) {
    const QChar c = line[i];
    if (isSpace(c)) {
      ++i;
      continue;
    }
    // A comment starts at the line start or after a space.
    if (c == QLatin1Char('#') && (i == 0 || isSpace(line[i - 1]))) {
      add(YamlToken::Kind::kComment, i, n - i);
      break;
    }
    if (c == QLatin1Char('-') && at_node_start && flow_depth == 0 &&
        (i + 1 >= n || isSpace(line[i + 1]))) {
      add(YamlToken::Kind::kItem, i, 1);
      ++i;
      continue;
    }
    if (isFlowIndicator(c)) {
      if (c == QLatin1Char('{') || c == QLatin1Char('[')) ++flow_depth;
      if ((c == QLatin1Char('}') || c == QLatin1Char(']')) && flow_depth > 0) --flow_depth;
      at_node_start = c != QLatin1Char(']') && c != QLatin1Char('}');
      ++i;
      continue;
    }
    if (c == QLatin1Char('&') || c == QLatin1Char('*') || c == QLatin1Char('!')) {
      qsizetype end = i + 1;
      while (end < n && !isSpace(line[end]) && !(flow_depth > 0 && isFlowIndicator(line[end]))) {
        ++end;
      }
      add(c == QLatin1Char('!') ? YamlToken::Kind::kTag : YamlToken::Kind::kAnchor, i, end - i);
      i = end;
      continue;
    }
    if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
      qsizetype end = i + 1;
      while (end < n) {
        if (c == QLatin1Char('"') && line[end] == QLatin1Char('\\')) {
          end += 2;
          continue;
        }
        if (line[end] == c) {
          if (c == QLatin1Char('\'') && end + 1 < n && line[end + 1] == c) {
            end += 2;  // '' inside single quotes
            continue;
          }
          ++end;
          break;
        }
        ++end;
      }
      end = std::min(end, n);
      qsizetype after = end;
      while (after < n && isSpace(line[after])) ++after;
      const bool key = isKeyColon(line, after, flow_depth > 0);
      add(key ? YamlToken::Kind::kKey : YamlToken::Kind::kString, i, end - i);
      i = key ? after + 1 : end;
      at_node_start = key;
      continue;
    }
    if (c == QLatin1Char(':') && isKeyColon(line, i, flow_depth > 0)) {
      ++i;  // an empty key
      at_node_start = true;
      continue;
    }
    // A plain scalar: to a key colon, a comment, the end of the line, or (in flow) an indicator.
    qsizetype end = i;
    bool key = false;
    while (end < n) {
      if (isKeyColon(line, end, flow_depth > 0)) {
        key = true;
        break;
      }
      if (line[end] == QLatin1Char('#') && end > i && isSpace(line[end - 1])) break;
      if (flow_depth > 0 && isFlowIndicator(line[end])) break;
      ++end;
    }
    qsizetype trimmed_end = end;
    while (trimmed_end > i && isSpace(line[trimmed_end - 1])) --trimmed_end;
    const QString word = line.mid(i, trimmed_end - i);
    if (key) {
      add(YamlToken::Kind::kKey, i, trimmed_end - i);
      i = end + 1;
      at_node_start = true;
      continue;
    }
    if (isNumber(word)) {
      add(YamlToken::Kind::kNumber, i, trimmed_end - i);
    } else if (isKeyword(word)) {
      add(YamlToken::Kind::kKeyword, i, trimmed_end - i);
    }
    i = end;
    at_node_start = false;
  }
  return tokens;
}

YamlHighlighter::YamlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {}

QTextCharFormat YamlHighlighter::format(YamlToken::Kind kind) const {
  QTextCharFormat f;
  switch (kind) {
    case YamlToken::Kind::kKey:
      f.setForeground(QColor(0x1a, 0x5f, 0xb4));
      f.setFontWeight(QFont::Bold);
      break;
    case YamlToken::Kind::kString: f.setForeground(QColor(0x26, 0xa2, 0x69)); break;
    case YamlToken::Kind::kNumber: f.setForeground(QColor(0xc6, 0x46, 0x00)); break;
    case YamlToken::Kind::kKeyword: f.setForeground(QColor(0x91, 0x41, 0xac)); break;
    case YamlToken::Kind::kComment:
      f.setForeground(QColor(0x77, 0x76, 0x7b));
      f.setFontItalic(true);
      break;
    case YamlToken::Kind::kItem:
      f.setForeground(QColor(0xa5, 0x1d, 0x2d));
      f.setFontWeight(QFont::Bold);
      break;
    case YamlToken::Kind::kAnchor: f.setForeground(QColor(0x98, 0x6a, 0x44)); break;
    case YamlToken::Kind::kTag: f.setForeground(QColor(0x61, 0x35, 0x83)); break;
  }
  return f;
}

void YamlHighlighter::highlightBlock(const QString& text) {
  for (const YamlToken& token : tokenizeYamlLine(text)) {
    setFormat(token.start, token.length, format(token.kind));
  }
}

namespace {

// The gutter: asks the editor to paint it.
class LineNumberArea final : public QWidget {
 public:
  explicit LineNumberArea(YamlEditor* editor) : QWidget(editor), editor_(editor) {
    setObjectName(QStringLiteral("lineNumberArea"));
  }
  QSize sizeHint() const override { return {editor_->lineNumberAreaWidth(), 0}; }

 protected:
  void paintEvent(QPaintEvent* event) override { editor_->paintLineNumbers(event); }

 private:
  YamlEditor* editor_;
};

}  // namespace

YamlEditor::YamlEditor(QWidget* parent)
    : QPlainTextEdit(parent),
      line_numbers_(new LineNumberArea(this)),
      highlighter_(new YamlHighlighter(document())) {
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setTabChangesFocus(false);
  connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { updateLineNumberAreaWidth(); });
  connect(this, &QPlainTextEdit::updateRequest, this, &YamlEditor::updateLineNumberArea);
  connect(document(), &QTextDocument::contentsChange, this, [this](int, int removed, int added) {
    if (removed != 0 || added != 0) clearHighlight();
  });
  updateLineNumberAreaWidth();
}

bool YamlEditor::loadFile(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return false;
  const QString text = QString::fromUtf8(file.readAll());
  setPlainText(text);
  setModified(false);
  highlighted_line_ = 0;
  return true;
}

bool YamlEditor::saveFile(const QString& path) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return false;
  const QByteArray bytes = toPlainText().toUtf8();
  if (file.write(bytes) != bytes.size() || !file.commit()) return false;
  setModified(false);
  return true;
}

bool YamlEditor::isModified() const {
  return document()->isModified();
}
void YamlEditor::setModified(bool modified) {
  document()->setModified(modified);
}

void YamlEditor::goToLine(int line, int column) {
  const int lines = document()->blockCount();
  line = std::clamp(line, 1, std::max(lines, 1));
  const QTextBlock block = document()->findBlockByNumber(line - 1);
  const int length = std::max(block.length() - 1, 0);  // without the paragraph separator
  column = std::clamp(column, 1, length + 1);
  QTextCursor cursor(block);
  cursor.setPosition(block.position() + column - 1);
  setTextCursor(cursor);
  centerCursor();
  ensureCursorVisible();

  QTextEdit::ExtraSelection selection;
  selection.format.setBackground(QColor(0xff, 0xf1, 0x9c));
  selection.format.setProperty(QTextFormat::FullWidthSelection, true);
  selection.cursor = QTextCursor(block);
  selection.cursor.clearSelection();
  setExtraSelections({selection});
  highlighted_line_ = line;
  setFocus(Qt::OtherFocusReason);
}

int YamlEditor::cursorLine() const {
  return textCursor().blockNumber() + 1;
}
int YamlEditor::cursorColumn() const {
  return textCursor().positionInBlock() + 1;
}

void YamlEditor::clearHighlight() {
  if (highlighted_line_ == 0) return;
  highlighted_line_ = 0;
  setExtraSelections({});
}

int YamlEditor::lineNumberAreaWidth() const {
  int digits = 1;
  for (int max = std::max(1, document()->blockCount()); max >= 10; max /= 10) ++digits;
  return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 3);
}

void YamlEditor::updateLineNumberAreaWidth() {
  setViewportMargins(lineNumberAreaWidth(), 0, 0, 0);
}

void YamlEditor::updateLineNumberArea(const QRect& rect, int dy) {
  if (dy != 0) {
    line_numbers_->scroll(0, dy);
  } else {
    line_numbers_->update(0, rect.y(), line_numbers_->width(), rect.height());
  }
  if (rect.contains(viewport()->rect())) updateLineNumberAreaWidth();
}

void YamlEditor::resizeEvent(QResizeEvent* event) {
  QPlainTextEdit::resizeEvent(event);
  const QRect area = contentsRect();
  line_numbers_->setGeometry(QRect(area.left(), area.top(), lineNumberAreaWidth(), area.height()));
}

void YamlEditor::paintLineNumbers(QPaintEvent* event) {
  QPainter painter(line_numbers_);
  painter.fillRect(event->rect(), palette().color(QPalette::Window));
  QTextBlock block = firstVisibleBlock();
  int number = block.blockNumber();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  int bottom = top + qRound(blockBoundingRect(block).height());
  const int width = line_numbers_->width() - 4;
  const int height = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    if (block.isVisible() && bottom >= event->rect().top()) {
      painter.setPen(number + 1 == highlighted_line_ ? palette().color(QPalette::Text)
                                                     : palette().color(QPalette::PlaceholderText));
      painter.drawText(0, top, width, height, Qt::AlignRight, QString::number(number + 1));
    }
    block = block.next();
    top = bottom;
    bottom = top + qRound(blockBoundingRect(block).height());
    ++number;
  }
}

}  // namespace posim::gui
