// posim-gui: the desktop app. Everything lives in the posim_gui library; this only reads the
// command line and shows the main window.
//   posim-gui [SCENARIO_FILE_OR_FOLDER]
//   posim-gui --tour DIR     drive a sale and the example suite, save screenshots into DIR, exit
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>
#include <filesystem>

#include "posim/scenarios/resolver.h"

#include "app/main_window.h"
#include "app/tour.h"

#ifndef POSIM_VERSION
#define POSIM_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("posim"));
  QApplication::setApplicationName(QStringLiteral("posim-gui"));
  QApplication::setApplicationVersion(QStringLiteral(POSIM_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(
      QStringLiteral("posim-gui: the payment terminal simulator's desktop app"));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption tour(
      QStringLiteral("tour"),
      QStringLiteral("Drive a sale and the example suite, save screenshots into <dir>, exit."),
      QStringLiteral("dir"));
  parser.addOption(tour);
  parser.addPositionalArgument(QStringLiteral("path"),
                               QStringLiteral("A scenario file or folder to open."), "[path]");
  parser.process(app);

  posim::gui::MainWindow window;
  window.show();
  const QStringList paths = parser.positionalArguments();
  if (!paths.isEmpty()) window.openPath(paths.front());

  if (parser.isSet(tour)) {
    QString examples;
    for (const std::filesystem::path& root : posim::scenarios::defaultExampleRoots()) {
      examples = QString::fromStdString(root.string());
      break;
    }
    posim::gui::Tour guide(&window, parser.value(tour), examples);
    const bool ok = guide.run();
    QTextStream err(stderr);
    for (const QString& file : guide.written()) err << "posim-gui: wrote " << file << "\n";
    if (!ok) err << "posim-gui: " << guide.error() << "\n";
    return ok ? 0 : 4;
  }
  return QApplication::exec();
}
