// Writes the committed seed corpus of the fuzz targets: small generated EDF/BDF files covering
// each format variant (tests/fuzz/corpus/fuzz_header and fuzz_open_read) and annotation-signal
// byte strings (tests/fuzz/corpus/fuzz_tal). Deterministic: rerunning it rewrites identical files.
//   build/fuzz/make_seed_corpus tests/fuzz/corpus
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "edf_builder.hpp"

namespace {

using ictaltrack::testing::EdfBuilder;
namespace fs = std::filesystem;

std::string tal(const std::string& onset, const std::string& duration,
                const std::vector<std::string>& texts) {
  std::string out = onset;
  if (!duration.empty()) out += '\x15' + duration;
  out += '\x14';
  for (const std::string& text : texts) out += text + '\x14';
  out.push_back('\0');
  return out;
}

std::vector<std::pair<std::string, EdfBuilder>> recordings() {
  std::vector<std::pair<std::string, EdfBuilder>> out;
  {
    EdfBuilder b;
    b.add_signal("Fp1", 4);
    b.add_signal("Fp2", 4);
    out.emplace_back("plain.edf", b);
  }
  {
    EdfBuilder b;
    b.reserved = "EDF+C";
    b.add_signal("C3", 8);
    b.add_signal("ECG", 2);
    b.add_annotation_signal(40).extra_tals = {tal("+0.5", "1", {"spike"}),
                                              tal("+1.25", "", {"a", "b"})};
    out.emplace_back("edfplus_c.edf", b);
  }
  {
    EdfBuilder b;
    b.reserved = "EDF+D";
    b.duration_field = "0.5";
    b.record_onsets = {"0", "0.5", "3.25"};
    b.add_signal("T3", 4);
    b.add_annotation_signal(30);
    out.emplace_back("edfplus_d_gap.edf", b);
  }
  {
    EdfBuilder b;
    b.n_records_field = "-1";
    b.add_signal("O1", 4);
    out.emplace_back("records_unknown.edf", b);
  }
  {
    EdfBuilder b;
    b.bdf = true;
    b.add_signal("A1", 4).samples = [](std::int64_t record, std::int64_t k) {
      return (record + k) % 2 == 0 ? 8388607 : -8388608;
    };
    b.add_signal("Status", 4).digital_min = "-8388608";
    out.emplace_back("plain.bdf", b);
  }
  {
    EdfBuilder b;
    b.bdf = true;
    b.reserved = "BDF+C";
    b.add_signal("Cz", 4);
    b.add_annotation_signal(30).extra_tals = {tal("+0.1", "", {"\xc3\xa9v\xc3\xa9nement"})};
    out.emplace_back("bdfplus_c.bdf", b);
  }
  {
    EdfBuilder b;
    b.bdf = true;
    b.reserved = "BDF+D";
    b.record_onsets = {"0", "5", "6"};
    b.add_signal("Pz", 2);
    b.add_annotation_signal(24);
    out.emplace_back("bdfplus_d.bdf", b);
  }
  {
    EdfBuilder b;  // physical min == max, dummy label, zero-sample channel
    b.add_signal("-", 2);
    b.add_signal("Flat", 2).physical_max = "-3200";
    b.add_signal("None", 0);
    b.add_signal("Fz", 2);
    out.emplace_back("odd_channels.edf", b);
  }
  return out;
}

void write(const fs::path& path, const std::string& bytes) {
  ictaltrack::testing::write_file(path, bytes);
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* target : {"fuzz_header", "fuzz_open_read", "fuzz_tal"}) {
    fs::create_directories(root / target);
  }
  for (const auto& [name, builder] : recordings()) {
    const std::string bytes = builder.bytes();
    write(root / "fuzz_header" / name, bytes);
    write(root / "fuzz_open_read" / name, bytes);
  }
  const std::vector<std::pair<std::string, std::string>> tals = {
      {"time_keeping.tal", tal("+0", "", {""})},
      {"keeping_and_event.tal", tal("+0", "", {""}) + tal("+1.5", "2.25", {"seizure onset"})},
      {"several_texts.tal", tal("-0.0000001", "", {"a", "", "b\xff"})},
      {"unterminated.tal", "+3\x14text\x14"},
      {"missing_nul.tal",
       "+1\x14\x14+1.14\x14"
       "A1+A2 OFF\x14"},
      {"padding.tal", tal("+12345678.1234567", "0", {"x"}) + std::string(8, '\0')},
  };
  for (const auto& [name, bytes] : tals) write(root / "fuzz_tal" / name, bytes);
  return 0;
}
