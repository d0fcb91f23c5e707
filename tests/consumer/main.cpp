// A program outside the project that links ictaltrack through find_package(ictaltrack):
// opens every .edf in the folder given as argument, prints its header summary and reads the
// first second of every channel.
#include <exception>
#include <filesystem>
#include <ictaltrack/errors.hpp>
#include <ictaltrack/io/edf_reader.hpp>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: consumer FOLDER\n";
    return 2;
  }
  int opened = 0;
  try {
    for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
      if (entry.path().extension() != ".edf") continue;
      const ictaltrack::EdfReader reader(entry.path().string());
      const auto& info = reader.info();
      std::cout << entry.path().filename().string() << ": " << ictaltrack::to_string(info.format)
                << ", " << info.channels.size() << " channels, " << info.n_records
                << " records, start " << info.start.iso8601() << ", " << reader.annotations().size()
                << " annotations\n";
      for (int c = 0; c < info.n_channels(); ++c) {
        const auto& channel = info.channels[c];
        std::vector<double> first_record(static_cast<std::size_t>(channel.samples_per_record));
        if (channel.n_samples >= channel.samples_per_record) {
          reader.read_physical(c, 0, channel.samples_per_record, first_record.data());
        }
      }
      ++opened;
    }
  } catch (const ictaltrack::Error& error) {
    std::cerr << "ictaltrack error: " << error.what() << "\n";
    return 1;
  }
  return opened > 0 ? 0 : 1;
}
