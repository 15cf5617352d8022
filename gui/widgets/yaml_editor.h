// The scenario editor pane: a plain text editor (QPlainTextEdit) for YAML with line numbers in a
// gutter, YAML syntax highlighting (YamlHighlighter) and goToLine(line, column), which the
// diagnostics list uses to jump to a problem.
//
// Contract: loadFile() replaces the text (not modified afterwards); saveFile() writes the text
// as UTF-8 and clears the modified flag; goToLine() moves the cursor to a 1-based line and
// column (clamped into the text) and highlights that line until the next goToLine() or edit.
// Child objectNames: lineNumberArea (the gutter). The editor itself is named by its owner
// (the scenario panel names it "yamlEditor").
#pragma once

#include <QPlainTextEdit>
#include <QString>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <vector>

namespace posim::gui {

// One highlighted piece of a YAML line.
struct YamlToken {
  enum class Kind { kKey, kString, kNumber, kKeyword, kComment, kItem, kAnchor, kTag };
  Kind kind;
  int start = 0;  // offset in the line
  int length = 0;
};

// Splits one line of YAML into the pieces YamlHighlighter colours: mapping keys (block and
// flow), quoted strings, numbers, true/false/null, comments, `- ` item markers, anchors and
// aliases (&name, *name) and tags (!name). Plain scalars and punctuation are not tokens. Works
// line by line (no state across lines): block scalars (|, >) are coloured as their lines look.
std::vector<YamlToken> tokenizeYamlLine(const QString& line);

// The syntax highlighter of YamlEditor (tokenizeYamlLine per block).
class YamlHighlighter final : public QSyntaxHighlighter {
  Q_OBJECT

 public:
  explicit YamlHighlighter(QTextDocument* document);

  // The character format used for `kind`.
  QTextCharFormat format(YamlToken::Kind kind) const;

 protected:
  void highlightBlock(const QString& text) override;
};

class YamlEditor final : public QPlainTextEdit {
  Q_OBJECT

 public:
  explicit YamlEditor(QWidget* parent = nullptr);

  // Replaces the text with the file's. False (text unchanged) when it cannot be read.
  bool loadFile(const QString& path);
  // Writes the text to `path` (UTF-8). False when it cannot be written.
  bool saveFile(const QString& path);

  bool isModified() const;
  void setModified(bool modified);

  // Moves the cursor to `line`:`column` (1-based; 0 or out of range: clamped), shows it and
  // highlights the line.
  void goToLine(int line, int column = 1);
  // The cursor's 1-based line and column.
  int cursorLine() const;
  int cursorColumn() const;
  // The line goToLine() highlighted (1-based), 0 when none.
  int highlightedLine() const { return highlighted_line_; }

  YamlHighlighter* highlighter() const { return highlighter_; }
  QWidget* lineNumberArea() const { return line_numbers_; }
  // The width of the gutter for the current number of lines.
  int lineNumberAreaWidth() const;
  // Paints the gutter (called by the gutter widget).
  void paintLineNumbers(QPaintEvent* event);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateLineNumberAreaWidth();
  void updateLineNumberArea(const QRect& rect, int dy);
  void clearHighlight();

  QWidget* line_numbers_;
  YamlHighlighter* highlighter_;
  int highlighted_line_ = 0;
};

}  // namespace posim::gui
