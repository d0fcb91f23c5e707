// Channel label parsing: "EEG FP1-REF", "Fp1-Avg", "FP1-F7", "EKG EKG", "POL PG1", "Status"...
// The accepted forms and the decision order are documented in docs/electrodes.md.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "electrodes/projection.hpp"
#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\0' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string_view strip_trailing_dots(std::string_view text) {
  while (!text.empty() && text.back() == '.') text.remove_suffix(1);
  return trim(text);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// Signal-type words written before the first blank ("EEG Fp1", "EKG EKG", "Resp oro-nasal").
// POL (Nihon Kohden "polygraphic") carries no kind: the rest of the label decides.
std::optional<ChannelKind> type_prefix_kind(const std::string& word, bool& is_generic) {
  is_generic = false;
  static const std::map<std::string, ChannelKind> kinds{
      {"EEG", ChannelKind::eeg},        {"ECG", ChannelKind::ecg},
      {"EKG", ChannelKind::ecg},        {"EMG", ChannelKind::emg},
      {"EOG", ChannelKind::eog},        {"RESP", ChannelKind::other},
      {"SAO2", ChannelKind::other},     {"SPO2", ChannelKind::other},
      {"TEMP", ChannelKind::other},     {"PLETH", ChannelKind::other},
      {"PHOTIC", ChannelKind::trigger}, {"EVENT", ChannelKind::trigger},
      {"STATUS", ChannelKind::trigger}, {"TRIGGER", ChannelKind::trigger}};
  if (word == "POL") {
    is_generic = true;
    return std::nullopt;
  }
  const auto it = kinds.find(word);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

// Whole-word signal names that are not electrodes, compared without trailing digits
// ("ECG1" -> ECG, "acc2" -> ACC, "SpO2" -> SPO). LOC/ROC/LUC/RLC... are eye-canthus (EOG)
// electrodes.
std::optional<ChannelKind> keyword_kind(std::string_view word) {
  std::string key = upper(word);
  // AASM sleep montages name the eye electrodes E1/E2 ("E1-M2"); a bare "E" is not one.
  if (key == "E1" || key == "E2") return ChannelKind::eog;
  while (!key.empty() && std::isdigit(static_cast<unsigned char>(key.back()))) key.pop_back();
  static const std::map<std::string, ChannelKind> kinds{
      {"EEG", ChannelKind::eeg},         {"ECG", ChannelKind::ecg},
      {"EKG", ChannelKind::ecg},         {"EMG", ChannelKind::emg},
      {"EOG", ChannelKind::eog},         {"HEOG", ChannelKind::eog},
      {"VEOG", ChannelKind::eog},        {"LOC", ChannelKind::eog},
      {"ROC", ChannelKind::eog},         {"LUC", ChannelKind::eog},
      {"LLC", ChannelKind::eog},         {"RUC", ChannelKind::eog},
      {"RLC", ChannelKind::eog},         {"STATUS", ChannelKind::trigger},
      {"TRIGGER", ChannelKind::trigger}, {"TRIG", ChannelKind::trigger},
      {"STIM", ChannelKind::trigger},    {"STI", ChannelKind::trigger},
      {"PHOTIC", ChannelKind::trigger},  {"RESP", ChannelKind::other},
      {"SPO", ChannelKind::other},       {"SAO", ChannelKind::other},
      {"HR", ChannelKind::other},        {"IBI", ChannelKind::other},
      {"BURSTS", ChannelKind::other},    {"SUPPR", ChannelKind::other},
      {"TEMP", ChannelKind::other},      {"PLETH", ChannelKind::other},
      {"ACC", ChannelKind::other},       {"CHIN", ChannelKind::emg},
      {"LAT", ChannelKind::emg},         {"RAT", ChannelKind::emg},
      {"LEG", ChannelKind::emg},         {"SNORE", ChannelKind::other},
      {"FLOW", ChannelKind::other},      {"AIRFLOW", ChannelKind::other},
      {"THOR", ChannelKind::other},      {"THORAX", ChannelKind::other},
      {"ABDO", ChannelKind::other},      {"ABDOMEN", ChannelKind::other}};
  const auto it = kinds.find(key);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

// Cathode words meaning "referenced to a common reference" rather than to a second electrode.
bool is_reference_word(const std::string& word) {
  static const std::set<std::string> words{"REF",     "LE",   "AR",   "AVG",    "AV", "CAR",
                                           "AVERAGE", "A1A2", "M1M2", "LINKED", "LM"};
  return words.count(word) > 0;
}

bool is_dummy(std::string_view label) {
  std::size_t i = 0;
  bool dash = false;
  while (i < label.size() && (label[i] == '-' || label[i] == '.')) dash |= label[i++] == '-';
  return dash && (i == label.size() || all_digits(label.substr(i)));
}

void place_referential(LabelInfo& info, const ElectrodeSite& site) {
  info.kind = ChannelKind::eeg;
  info.name = site.name;
  info.anode = site.name;
  info.hemisphere = site.hemisphere;
  info.region = {site.region, site.region};
  info.has_position = site.has_position;
  info.position = site.position;
  info.position_2d = site.position_2d;
}

void place_bipolar(LabelInfo& info, const ElectrodeSite& anode, const ElectrodeSite& cathode) {
  info.kind = ChannelKind::eeg;
  info.is_bipolar = true;
  info.name = anode.name + "-" + cathode.name;
  info.anode = anode.name;
  info.cathode = cathode.name;
  info.hemisphere = pair_hemisphere(anode.hemisphere, cathode.hemisphere);
  info.region = pair_region(anode.region, cathode.region);
  if (anode.has_position && cathode.has_position) {
    const Point3 sum{anode.position.x + cathode.position.x, anode.position.y + cathode.position.y,
                     anode.position.z + cathode.position.z};
    const double norm = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
    if (norm > 1e-9) {
      info.has_position = true;
      info.position = {sum.x / norm, sum.y / norm, sum.z / norm};
      info.position_2d = detail::project_to_plane(info.position);
    }
  }
}

void clear_site(LabelInfo& info) {
  const std::string label = info.label;
  const ChannelKind kind = info.kind;
  info = LabelInfo{};
  info.label = label;
  info.kind = kind;
}

}  // namespace

std::string_view to_string(ChannelKind kind) noexcept {
  switch (kind) {
    case ChannelKind::eeg:
      return "eeg";
    case ChannelKind::ecg:
      return "ecg";
    case ChannelKind::eog:
      return "eog";
    case ChannelKind::emg:
      return "emg";
    case ChannelKind::trigger:
      return "trigger";
    case ChannelKind::annotation:
      return "annotation";
    case ChannelKind::other:
      return "other";
    case ChannelKind::unknown:
      break;
  }
  return "unknown";
}

std::string_view to_string(Hemisphere hemisphere) noexcept {
  switch (hemisphere) {
    case Hemisphere::left:
      return "left";
    case Hemisphere::right:
      return "right";
    case Hemisphere::midline:
      return "midline";
    case Hemisphere::bilateral:
      return "bilateral";
    case Hemisphere::unknown:
      break;
  }
  return "unknown";
}

std::string_view to_string(Region region) noexcept {
  switch (region) {
    case Region::frontopolar:
      return "frontopolar";
    case Region::frontal:
      return "frontal";
    case Region::frontotemporal:
      return "frontotemporal";
    case Region::central:
      return "central";
    case Region::temporal:
      return "temporal";
    case Region::parietal:
      return "parietal";
    case Region::occipital:
      return "occipital";
    case Region::auricular:
      return "auricular";
    case Region::unknown:
      break;
  }
  return "unknown";
}

const std::string& channel_name(const LabelInfo& label) noexcept {
  return label.name.empty() ? label.label : label.name;
}

std::string region_name(const RegionSpan& region) {
  if (region.first == Region::unknown || region.second == Region::unknown) return "unknown";
  if (region.is_single()) return std::string(to_string(region.first));
  return std::string(to_string(region.first)) + "/" + std::string(to_string(region.second));
}

Hemisphere pair_hemisphere(Hemisphere anode, Hemisphere cathode) noexcept {
  auto is_side = [](Hemisphere h) { return h == Hemisphere::left || h == Hemisphere::right; };
  if (anode == Hemisphere::unknown || cathode == Hemisphere::unknown) return Hemisphere::unknown;
  if (anode == Hemisphere::bilateral || cathode == Hemisphere::bilateral) {
    return Hemisphere::bilateral;
  }
  if (anode == cathode) return anode;
  if (anode == Hemisphere::midline && is_side(cathode)) return cathode;
  if (cathode == Hemisphere::midline && is_side(anode)) return anode;
  return Hemisphere::bilateral;  // left with right
}

RegionSpan pair_region(Region anode, Region cathode) noexcept {
  if (anode == Region::unknown || cathode == Region::unknown) return {};
  return {std::min(anode, cathode), std::max(anode, cathode)};
}

LabelInfo parse_label(std::string_view raw_label) {
  LabelInfo info;
  const std::string_view label = trim(raw_label);
  info.label = std::string(label);
  if (label.empty()) return info;
  const std::string label_upper = upper(label);
  if (label_upper == "EDF ANNOTATIONS" || label_upper == "BDF ANNOTATIONS") {
    info.kind = ChannelKind::annotation;
    return info;
  }
  if (is_dummy(label)) {
    info.kind = ChannelKind::other;
    return info;
  }

  // Optional signal-type word before the first blank.
  std::string_view body = label;
  std::optional<ChannelKind> prefix_kind;
  bool generic_prefix = false;
  if (const auto blank = label.find(' '); blank != std::string_view::npos) {
    const std::string word = upper(label.substr(0, blank));
    prefix_kind = type_prefix_kind(word, generic_prefix);
    if (prefix_kind || generic_prefix) body = trim(label.substr(blank + 1));
  }
  if (prefix_kind && *prefix_kind != ChannelKind::eeg) {
    info.kind = *prefix_kind;  // "EKG EKG", "EOG horizontal", "Resp oro-nasal", "PHOTIC PH"
    return info;
  }
  body = strip_trailing_dots(body);

  // Split "anode-cathode"; MNE renames duplicated labels with a "-0", "-1" suffix.
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dash = body.find('-', start);
    parts.push_back(trim(body.substr(start, dash == std::string_view::npos ? dash : dash - start)));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() == 3 && all_digits(parts[2])) parts.pop_back();

  if (const auto kind = keyword_kind(parts.front()); kind && *kind != ChannelKind::eeg) {
    info.kind = *kind;  // "ECG", "EEG EKG-LE", "EEG LOC-REF", "Status", "SpO2", "acc1"
    return info;
  }
  const ChannelKind fallback =
      prefix_kind == ChannelKind::eeg || keyword_kind(parts.front()) == ChannelKind::eeg
          ? ChannelKind::eeg
          : ChannelKind::unknown;
  info.kind = fallback;

  const auto anode = find_electrode(parts.front());
  if (parts.size() == 1) {
    if (anode) place_referential(info, *anode);
    return info;
  }
  if (parts.size() != 2) return info;
  const std::string second = upper(parts[1]);
  if (anode && is_reference_word(second)) {
    place_referential(info, *anode);
    info.reference = second;
    return info;
  }
  const auto cathode = find_electrode(parts[1]);
  if (anode && cathode && cathode->region == Region::auricular && cathode->has_position &&
      anode->region != Region::auricular) {
    place_referential(info, *anode);  // "C3-A2", "Fp1-M1": an ear or mastoid reference
    info.reference = cathode->name;
    return info;
  }
  if (anode && cathode) {
    place_bipolar(info, *anode, *cathode);
    return info;
  }
  // One side is not an electrode ("C3-XYZ"): an EEG signal whose site cannot be told.
  if (anode || cathode) info.kind = ChannelKind::eeg;
  return info;
}

std::vector<LabelInfo> parse_labels(const std::vector<std::string>& labels) {
  std::vector<LabelInfo> channels;
  channels.reserve(labels.size());
  for (const auto& label : labels) channels.push_back(parse_label(label));

  // BioSemi "ABC" caps name their electrodes letter + number (A1..A32, B1..): some of those
  // names collide with 10-20 names (C3, F4, A1) but are other sites.
  auto letter_number = [](std::string_view text) {
    return text.size() >= 2 && text.size() <= 3 &&
           std::isupper(static_cast<unsigned char>(text[0])) && all_digits(text.substr(1));
  };
  std::size_t non_10_10 = 0;
  for (const auto& channel : channels) {
    if (letter_number(channel.label) && !find_electrode(channel.label)) ++non_10_10;
  }
  if (non_10_10 >= 8) {
    for (auto& channel : channels) {
      if (!letter_number(channel.label)) continue;
      channel.kind = ChannelKind::eeg;
      clear_site(channel);
    }
  }

  // "Fp1-Cz", "F3-Cz", "C3-Cz", ...: a common electrode reference, not a bipolar montage.
  std::map<std::string, std::size_t> cathode_count;
  std::set<std::string> anodes;
  for (const auto& channel : channels) {
    if (!channel.anode.empty()) anodes.insert(channel.anode);
    if (channel.is_bipolar) ++cathode_count[channel.cathode];
  }
  for (const auto& [cathode, count] : cathode_count) {
    if (count < 3 || anodes.count(cathode) > 0) continue;
    for (auto& channel : channels) {
      if (!channel.is_bipolar || channel.cathode != cathode) continue;
      const LabelInfo parsed = channel;
      clear_site(channel);
      place_referential(channel, *find_electrode(parsed.anode));
      channel.reference = cathode;
    }
  }
  return channels;
}

}  // namespace ictaltrack
