#include <iostream>

#include "app.h"

int main(int argc, char** argv) {
  posim::cli::Io io{std::cout, std::cerr, std::cin};
  return posim::cli::runApp(argc, argv, io);
}
