// A program outside the project that links ictaltrack through find_package(ictaltrack):
// opens every .edf in the folder given as argument and prints its header summary.
#include <filesystem>
#include <iostream>

#include <ictaltrack/io/edf_reader.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer FOLDER\n";
    return 2;
  }
  int opened = 0;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() != ".edf") continue;
    const ictaltrack::EdfReader reader(entry.path().string());
    const auto& info = reader.info();
    std::cout << entry.path().filename().string() << ": " << ictaltrack::to_string(info.format)
              << ", " << info.channels.size() << " channels, " << info.n_records << " records\n";
    ++opened;
  }
  return opened > 0 ? 0 : 1;
}
