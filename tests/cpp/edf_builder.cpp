#include "edf_builder.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ictaltrack::testing {
namespace {

std::string padded(const std::string& text, std::size_t width) {
  std::string out = text.substr(0, width);
  out.resize(width, ' ');
  return out;
}

std::string seconds_text(std::int64_t record, const std::string& duration) {
  // Exact for the durations the tests use ("1", "0.5", "10", "2", "0.25").
  const double seconds = static_cast<double>(record) * std::stod(duration);
  char text[64];
  std::snprintf(text, sizeof text, "%.6f", seconds);
  std::string out = text;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

std::int32_t EdfBuilder::pattern(int signal, std::int64_t record, std::int64_t k) {
  return static_cast<std::int32_t>((signal * 7919 + record * 131 + k * 17) % 60001) - 30000;
}

SignalSpec& EdfBuilder::add_signal(const std::string& label, int samples_per_record) {
  SignalSpec spec;
  spec.label = label;
  spec.samples_per_record = samples_per_record;
  if (bdf) {
    spec.digital_min = "-8388608";
    spec.digital_max = "8388607";
  }
  signals.push_back(spec);
  return signals.back();
}

SignalSpec& EdfBuilder::add_annotation_signal(int bytes) {
  SignalSpec spec;
  spec.label = bdf ? "BDF Annotations" : "EDF Annotations";
  spec.transducer = "";
  spec.physical_dimension = "";
  spec.physical_min = "-1";
  spec.physical_max = "1";
  spec.digital_min = bdf ? "-8388608" : "-32768";
  spec.digital_max = bdf ? "8388607" : "32767";
  spec.prefilter = "";
  spec.annotation = true;
  const int bytes_per_sample = bdf ? 3 : 2;
  spec.samples_per_record = (bytes + bytes_per_sample - 1) / bytes_per_sample;
  signals.push_back(spec);
  return signals.back();
}

std::int32_t EdfBuilder::value(int signal, std::int64_t record, std::int64_t k) const {
  const SignalSpec& spec = signals.at(signal);
  return spec.samples ? spec.samples(record, k) : pattern(signal, record, k);
}

std::string EdfBuilder::header() const {
  const int ns = static_cast<int>(signals.size());
  std::string h;
  h += version_field.empty() ? (bdf ? std::string("\xFF"
                                                  "BIOSEMI")
                                    : padded("0", 8))
                             : padded(version_field, 8);
  h += padded(patient, 80);
  h += padded(recording, 80);
  h += padded(start_date, 8);
  h += padded(start_time, 8);
  h += padded(header_bytes_field.empty() ? std::to_string(256 * (ns + 1)) : header_bytes_field, 8);
  h += padded(reserved.empty() ? std::string() : reserved, 44);
  h += padded(n_records_field.empty() ? std::to_string(n_records) : n_records_field, 8);
  h += padded(duration_field, 8);
  h += padded(n_signals_field.empty() ? std::to_string(ns) : n_signals_field, 4);
  for (const auto& s : signals) h += padded(s.label, 16);
  for (const auto& s : signals) h += padded(s.transducer, 80);
  for (const auto& s : signals) h += padded(s.physical_dimension, 8);
  for (const auto& s : signals) h += padded(s.physical_min, 8);
  for (const auto& s : signals) h += padded(s.physical_max, 8);
  for (const auto& s : signals) h += padded(s.digital_min, 8);
  for (const auto& s : signals) h += padded(s.digital_max, 8);
  for (const auto& s : signals) h += padded(s.prefilter, 80);
  for (const auto& s : signals) {
    h += padded(s.samples_per_record_field.empty() ? std::to_string(s.samples_per_record)
                                                   : s.samples_per_record_field,
                8);
  }
  for (std::size_t i = 0; i < signals.size(); ++i) h += padded("", 32);
  return h;
}

std::string EdfBuilder::bytes() const {
  std::string out = header();
  const int bytes_per_sample = bdf ? 3 : 2;
  bool first_annotation_signal = true;
  std::vector<bool> is_first(signals.size(), false);
  for (std::size_t s = 0; s < signals.size(); ++s) {
    if (signals[s].annotation && first_annotation_signal) {
      is_first[s] = true;
      first_annotation_signal = false;
    }
  }
  for (std::int64_t r = 0; r < n_records; ++r) {
    for (std::size_t s = 0; s < signals.size(); ++s) {
      const SignalSpec& spec = signals[s];
      const std::size_t size = static_cast<std::size_t>(spec.samples_per_record) * bytes_per_sample;
      if (spec.annotation) {
        std::string tal;
        if (spec.raw_tals) {
          if (static_cast<std::size_t>(r) < spec.raw_tals->size()) tal = (*spec.raw_tals)[r];
        } else {
          if (is_first[s]) {
            const std::string onset = static_cast<std::size_t>(r) < record_onsets.size()
                                          ? record_onsets[r]
                                          : seconds_text(r, duration_field);
            tal = "+" + onset + "\x14\x14" + std::string(1, '\0');
          }
          if (static_cast<std::size_t>(r) < spec.extra_tals.size()) tal += spec.extra_tals[r];
        }
        tal.resize(size, '\0');
        out += tal;
        continue;
      }
      for (int k = 0; k < spec.samples_per_record; ++k) {
        const std::int32_t v = value(static_cast<int>(s), r, k);
        out.push_back(static_cast<char>(v & 0xFF));
        out.push_back(static_cast<char>((v >> 8) & 0xFF));
        if (bytes_per_sample == 3) out.push_back(static_cast<char>((v >> 16) & 0xFF));
      }
    }
  }
  return out;
}

std::filesystem::path EdfBuilder::write(const std::filesystem::path& path) const {
  write_file(path, bytes());
  return path;
}

std::int64_t signal_field_offset(int n_signals, int field_start, int width, int signal) {
  return 256 + static_cast<std::int64_t>(field_start) * n_signals +
         static_cast<std::int64_t>(width) * signal;
}

void put_field(std::string& bytes, std::int64_t offset, int width, const std::string& text) {
  bytes.replace(static_cast<std::size_t>(offset), static_cast<std::size_t>(width),
                padded(text, static_cast<std::size_t>(width)));
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace ictaltrack::testing
