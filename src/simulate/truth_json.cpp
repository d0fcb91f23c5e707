// The truth sidecar as JSON. Numbers are printed with std::to_chars (shortest text that reads
// back to the same double), so the file is the same on every platform for the same values.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>

#include "ictaltrack/simulate/simulator.hpp"

#ifndef ICTALTRACK_LIBRARY_VERSION
#define ICTALTRACK_LIBRARY_VERSION "unknown"
#endif

namespace ictaltrack {
namespace {

/// Bumped whenever the same configuration would produce different samples or truth.
/// 2: the region of a frontal-polar focus is "frontopolar" (the library's Region name) in the
/// truth and the seizure annotation, instead of "frontal polar". The features added with it
/// (propagation, morphologies, background events, ...) are off by default and leave every
/// version-1 configuration's samples as they were.
constexpr int kSimulatorModelVersion = 2;

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          static const char* const hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string number(double value) {
  if (!std::isfinite(value)) return "null";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

std::string seconds(Ticks t) { return number(ticks_to_seconds(t)); }

std::string text(std::string_view name) { return quoted(std::string(name)); }

std::string onset_map(const std::map<std::string, Ticks>& onsets, const std::string& indent) {
  if (onsets.empty()) return "{}";
  std::string out = "{";
  bool first = true;
  for (const auto& [name, onset] : onsets) {
    out += (first ? "\n" : ",\n") + indent + "  " + quoted(name) + ": " + seconds(onset);
    first = false;
  }
  return out + "\n" + indent + "}";
}

// The config block keeps the sidecar's documented keys (docs/simulator.md): the option that C++
// and Python call sfreq is "sample_rate_hz" there, as at the top level.
std::string config_key(const char* option) {
  return std::string_view(option) == "sfreq" ? "sample_rate_hz" : option;
}

template <typename T>
std::string config_value(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return quoted(value);
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    return number(value);
  } else if constexpr (std::is_same_v<T, FileFormat>) {
    return quoted(writer_format_name(value));
  } else {
    return quoted(to_string(value));
  }
}

}  // namespace

std::string truth_to_json(const SimulationTruth& truth, const SimulationOptions& config) {
  std::string j = "{\n";
  j += "  \"format\": \"ictaltrack-simulation-truth\",\n";
  j += "  \"generator\": {\"name\": \"ictaltrack simulator\", \"version\": " +
       quoted(ICTALTRACK_LIBRARY_VERSION) +
       ", \"model_version\": " + std::to_string(kSimulatorModelVersion) + "},\n";
  j += "  \"seed\": " + std::to_string(config.seed) + ",\n";
  j += "  \"duration_s\": " + seconds(truth.duration) + ",\n";
  j += "  \"sample_rate_hz\": " + std::to_string(truth.sfreq) + ",\n";
  j += "  \"montage\": " + quoted(to_string(config.montage)) + ",\n";
  j += "  \"channels\": " + string_list(truth.channel_labels) + ",\n";

  j += "  \"seizures\": [";
  for (std::size_t i = 0; i < truth.seizures.size(); ++i) {
    const auto& s = truth.seizures[i];
    j += i ? ",\n    {\n" : "\n    {\n";
    j += "      \"index\": " + std::to_string(s.index) + ",\n";
    j += "      \"onset_s\": " + seconds(s.onset) + ",\n";
    j += "      \"offset_s\": " + seconds(s.offset) + ",\n";
    j += "      \"focus_electrodes\": " + string_list({s.focus_electrode}) + ",\n";
    j += "      \"region\": " + text(to_string(s.region)) + ",\n";
    j += "      \"hemisphere\": " + text(to_string(s.hemisphere)) + ",\n";
    j += "      \"overlaps_previous\": " + std::string(s.overlaps_previous ? "true" : "false") +
         ",\n";
    j += "      \"onset_frequency_hz\": " + number(s.onset_frequency_hz) + ",\n";
    j += "      \"end_frequency_hz\": " + number(s.end_frequency_hz) + ",\n";
    j += "      \"amplitude_uv\": " + number(s.amplitude_uv) + ",\n";
    j += "      \"annotation\": " + quoted(s.annotation) + ",\n";
    j += "      \"channel_onsets\": " + onset_map(s.channel_onsets, "      ") + ",\n";
    j += "      \"electrode_onsets\": " + onset_map(s.electrode_onsets, "      ") + ",\n";
    j += "      \"morphology\": " + quoted(s.morphology) + ",\n";
    j += "      \"propagated\": " + std::string(s.propagation.empty() ? "false" : "true") + ",\n";
    j += "      \"propagation\": [";
    for (std::size_t k = 0; k < s.propagation.size(); ++k) {
      const auto& g = s.propagation[k];
      j += k ? ",\n        {" : "\n        {";
      j += "\"kind\": " + quoted(g.kind) + ", \"onset_s\": " + seconds(g.onset) +
           ", \"delay_s\": " + seconds(g.onset - s.onset) +
           ", \"target_electrode\": " + quoted(g.target_electrode) +
           ", \"region\": " + text(to_string(g.region)) +
           ", \"hemisphere\": " + text(to_string(g.hemisphere)) +
           ", \"amplitude_factor\": " + number(g.amplitude_factor) +
           ", \"detuning_hz\": " + number(g.detuning_hz) +
           ", \"phase_lag_rad\": " + number(g.phase_lag_rad) +
           ", \"annotation\": " + quoted(g.annotation) +
           ",\n         \"channel_onsets\": " + onset_map(g.channel_onsets, "         ") +
           ",\n         \"electrode_onsets\": " + onset_map(g.electrode_onsets, "         ") + "}";
    }
    j += s.propagation.empty() ? "]\n" : "\n      ]\n";
    j += "    }";
  }
  j += truth.seizures.empty() ? "],\n" : "\n  ],\n";

  j += "  \"artifacts\": [";
  for (std::size_t i = 0; i < truth.artifacts.size(); ++i) {
    const auto& a = truth.artifacts[i];
    j += (i ? ",\n    " : "\n    ");
    j += "{\"kind\": " + quoted(a.kind) + ", \"onset_s\": " + seconds(a.onset) +
         ", \"offset_s\": " + seconds(a.offset) +
         (a.frequency_hz > 0 ? ", \"frequency_hz\": " + number(a.frequency_hz) : "") +
         ", \"annotation\": " + quoted(a.annotation) +
         ", \"electrodes\": " + string_list(a.electrodes) +
         ", \"channels\": " + string_list(a.channels) + "}";
  }
  j += truth.artifacts.empty() ? "],\n" : "\n  ],\n";

  j += "  \"background_events\": [";
  for (std::size_t i = 0; i < truth.background_events.size(); ++i) {
    const auto& a = truth.background_events[i];
    j += (i ? ",\n    " : "\n    ");
    j += "{\"kind\": " + quoted(a.kind) + ", \"onset_s\": " + seconds(a.onset) +
         ", \"offset_s\": " + seconds(a.offset) +
         (a.frequency_hz > 0 ? ", \"frequency_hz\": " + number(a.frequency_hz) : "") +
         ", \"annotation\": " + quoted(a.annotation) +
         ", \"electrodes\": " + string_list(a.electrodes) +
         ", \"channels\": " + string_list(a.channels) + "}";
  }
  j += truth.background_events.empty() ? "],\n" : "\n  ],\n";

  j += "  \"bad_channels\": [";
  for (std::size_t i = 0; i < truth.bad_channels.size(); ++i) {
    const auto& b = truth.bad_channels[i];
    j += (i ? ", " : "");
    j += "{\"electrode\": " + quoted(b.electrode) + ", \"kind\": " + quoted(b.kind) +
         ", \"channels\": " + string_list(b.channels) + "}";
  }
  j += "],\n";

  j += "  \"config\": {";
  bool first = true;
  for_each_simulation_option(config, [&](const char* name, const auto& value) {
    j += (first ? "\n    " : ",\n    ") + quoted(config_key(name)) + ": " + config_value(value);
    first = false;
  });
  j += "\n  }\n}\n";
  return j;
}

}  // namespace ictaltrack
