#include "localise/localise.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <string>

namespace ictaltrack::detail {
namespace {

// The homologous electrode on the other side: odd numbers are left, even right (Fp1 <-> Fp2,
// FT9 <-> FT10); midline (z) electrodes are their own mirror.
std::optional<std::string> mirror_electrode(const std::string& name) {
  std::size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) --digits;
  if (digits == name.size()) return std::nullopt;
  const int number = std::stoi(name.substr(digits));
  if (number <= 0) return std::nullopt;
  const int mirrored = number % 2 == 1 ? number + 1 : number - 1;
  return name.substr(0, digits) + std::to_string(mirrored);
}

bool lateral(Hemisphere h) { return h == Hemisphere::left || h == Hemisphere::right; }

// Page-Hinkley change point of an increase in x[0..n): the index where the cumulative sum of
// (x - running mean - bias) was lowest before it rose by more than `threshold`; nullopt when it
// never does. The change starts just after that minimum.
std::optional<std::size_t> page_hinkley(const std::vector<float>& values, std::size_t stride,
                                        std::size_t column, std::size_t n, double bias,
                                        double threshold) {
  double sum = 0.0, cumulative = 0.0, minimum = 0.0;
  std::size_t argmin = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double x = values[k * stride + column];
    sum += x;
    cumulative += x - sum / static_cast<double>(k + 1) - bias;
    if (cumulative < minimum) {
      minimum = cumulative;
      argmin = k + 1;
    }
    if (cumulative - minimum > threshold) return std::min(argmin, n - 1);
  }
  return std::nullopt;
}

}  // namespace

ChannelGeometry make_geometry(const std::vector<LabelInfo>& labels) {
  ChannelGeometry geometry;
  geometry.labels = labels;
  geometry.neighbours = channel_neighbours(labels);
  geometry.mirror.assign(labels.size(), -1);
  std::map<std::pair<std::string, std::string>, std::size_t> by_pair;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (labels[c].kind != ChannelKind::eeg || labels[c].anode.empty()) continue;
    by_pair.emplace(std::make_pair(labels[c].anode, labels[c].cathode), c);
  }
  for (std::size_t c = 0; c < labels.size(); ++c) {
    const auto& info = labels[c];
    if (info.kind != ChannelKind::eeg || !lateral(info.hemisphere)) continue;
    const auto anode = mirror_electrode(info.anode);
    if (!anode) continue;
    std::string cathode;
    if (!info.cathode.empty()) {
      const auto mirrored = mirror_electrode(info.cathode);
      cathode = mirrored ? *mirrored : info.cathode;  // midline cathodes stay
    }
    const auto found = by_pair.find({*anode, cathode});
    if (found != by_pair.end() && found->second != c) {
      geometry.mirror[c] = static_cast<int>(found->second);
    }
  }
  std::map<std::string, std::size_t> electrode_index;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    if (labels[c].kind != ChannelKind::eeg) continue;
    for (const auto& name : {labels[c].anode, labels[c].cathode}) {
      if (name.empty()) continue;
      auto site = find_electrode(name);
      if (!site) continue;
      auto [it, inserted] = electrode_index.emplace(site->name, geometry.electrodes.size());
      if (inserted) {
        geometry.electrodes.push_back(*site);
        geometry.electrode_channels.emplace_back();
      }
      auto& list = geometry.electrode_channels[it->second];
      if (list.empty() || list.back() != c) list.push_back(c);
    }
  }
  return geometry;
}

LocalisedEvent localise(const EventHistory& history, const ChannelGeometry& geometry,
                        const std::vector<bool>& good, const LocaliseOptions& params,
                        double peak_gain_db) {
  const std::size_t n = history.n_channels;
  const std::size_t windows = history.n_windows();
  LocalisedEvent result;

  // 1. Per recruited channel: Page-Hinkley on its gain up to shortly after it switched on.
  struct Onset {
    std::size_t channel;
    std::size_t window;
  };
  std::vector<Onset> onsets;
  for (std::size_t c = 0; c < n; ++c) {
    if (history.first_on[c] < 0 || !good[c]) continue;
    const auto on = static_cast<std::size_t>(history.first_on[c]);
    const std::size_t end = std::min(windows, on + 3);
    const auto change = page_hinkley(history.gain_db, n, c, end, params.page_hinkley_bias_db,
                                     params.page_hinkley_threshold_db);
    std::size_t window = change ? *change : on;
    window = std::min(window, on);
    onsets.push_back({c, window});
  }
  std::stable_sort(onsets.begin(), onsets.end(),
                   [](const Onset& a, const Onset& b) { return a.window < b.window; });
  if (onsets.empty()) return result;
  const double step = params.step_s > 0 ? params.step_s : 1.0;
  const std::size_t span =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(params.onset_window_s / step)));
  // Rise of a channel's excess power at a window: mean over [window, window + span) minus mean
  // over the span before it, so an earlier seizure still running elsewhere (overlapping
  // seizures) does not count.
  // Mean excess of channel c over [from, stop) minus its mean (clipped at 0) over the span
  // before `from`.
  auto rise_over = [&](std::size_t c, std::size_t from, std::size_t stop) {
    const std::size_t before = from >= span ? from - span : 0;
    double during = 0.0, prior = 0.0;
    for (std::size_t w = from; w < stop; ++w) during += history.excess[w * n + c];
    for (std::size_t w = before; w < from; ++w) prior += history.excess[w * n + c];
    during /= static_cast<double>(std::max<std::size_t>(1, stop - from));
    prior = from > before ? prior / static_cast<double>(from - before) : 0.0;
    return during - std::max(0.0, prior);
  };
  auto rise_at = [&](std::size_t c, std::size_t window) {
    return std::max(0.0, rise_over(c, window, std::min(windows, window + span)));
  };
  // The focus channel: among the channels recruited within onset_search_s of the earliest, the
  // one whose power rose most over one common interval (from the earliest onset to the end of
  // the search plus the onset window): the focus starts first and carries the strongest field,
  // while a chance fluctuation, or a neighbour recruited later, rises less.
  const auto search = static_cast<std::size_t>(std::lround(params.onset_search_s / step));
  const std::size_t earliest = onsets.front().window;
  auto common_rise = [&](std::size_t c) {
    return rise_over(c, earliest, std::min(windows, earliest + search + span));
  };
  std::size_t seed = onsets.front().channel, seed_window = onsets.front().window;
  double seed_rise = -std::numeric_limits<double>::infinity();
  for (const auto& onset : onsets) {
    if (onset.window > earliest + search) break;
    const double rise = common_rise(onset.channel);
    if (rise > seed_rise) {
      seed_rise = rise;
      seed = onset.channel;
      seed_window = onset.window;
    }
  }
  const std::size_t first = seed_window;
  result.onset_window = first;
  for (const auto& onset : onsets) {
    ChannelOnset item;
    item.channel = static_cast<int>(onset.channel);
    const auto& label = geometry.labels[onset.channel];
    item.name = channel_name(label);
    result.seizure.channel_onsets.push_back(item);
    result.channel_onset_windows.push_back(onset.window);
  }
  // Only the channels this event recruited count: a channel carrying another (overlapping)
  // seizure belongs to that seizure's event.
  std::vector<double> excess(n, 0.0);
  for (std::size_t c = 0; c < n; ++c) {
    if (good[c] && history.first_on[c] >= 0) excess[c] = rise_at(c, first);
  }

  // Onset channels: the cluster of adjacent channels around the focus channel whose onsets lie
  // within onset_tolerance_s of it, earliest first (ties: stronger first).
  const auto tolerance = static_cast<std::size_t>(std::lround(params.onset_tolerance_s / step));
  std::vector<char> early(n, 0), taken(n, 0);
  for (const auto& onset : onsets) {
    if (onset.window + tolerance >= first && onset.window <= first + tolerance) {
      early[onset.channel] = 1;
    }
  }
  early[seed] = 1;
  std::vector<std::size_t> cluster{seed};
  taken[seed] = 1;
  for (std::size_t i = 0; i < cluster.size(); ++i) {
    for (const auto neighbour : geometry.neighbours[cluster[i]]) {
      if (early[neighbour] && !taken[neighbour]) {
        taken[neighbour] = 1;
        cluster.push_back(neighbour);
      }
    }
  }
  std::vector<std::size_t> onset_window_of(n, windows);
  for (const auto& onset : onsets) onset_window_of[onset.channel] = onset.window;
  std::stable_sort(cluster.begin(), cluster.end(), [&](std::size_t a, std::size_t b) {
    if (onset_window_of[a] != onset_window_of[b]) return onset_window_of[a] < onset_window_of[b];
    return excess[a] > excess[b];
  });
  Point3 sum;
  int positioned = 0;
  for (const auto c : cluster) {
    const auto& label = geometry.labels[c];
    result.seizure.onset_channels.push_back(channel_name(label));
    if (label.has_position) {
      sum.x += label.position.x;
      sum.y += label.position.y;
      sum.z += label.position.z;
      ++positioned;
    }
  }
  if (positioned > 0) {
    const double norm = std::sqrt(sum.x * sum.x + sum.y * sum.y + sum.z * sum.z);
    if (norm > 0) {
      result.seizure.focus_position = {sum.x / norm, sum.y / norm, sum.z / norm};
      result.seizure.has_focus_position = true;
    }
  }

  // 4. Lateralization index over homologous pairs of good channels.
  double left = 0.0, right = 0.0;
  int pairs = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const int m = geometry.mirror[c];
    if (m < 0 || !good[c] || !good[static_cast<std::size_t>(m)]) continue;
    if (geometry.labels[c].hemisphere != Hemisphere::left) continue;
    left += excess[c];
    right += excess[static_cast<std::size_t>(m)];
    ++pairs;
  }
  double li = std::numeric_limits<double>::quiet_NaN();
  if (pairs > 0) li = left + right > 0 ? (left - right) / (left + right) : 0.0;
  result.seizure.lateralization_index = li;

  // 5. Focus electrode: among the onset channels' electrodes, the one whose channels carry the
  // most excess power (a bipolar focus electrode is shared by two strong derivations).
  // Only a sided channel (left or right: a referential lateral electrode, or a pair on one side
  // or joining a side to the midline) can tell which side a seizure starts on. A pair across the
  // hemispheres (FT9-FT10, T7-T8) carries the same power for both its electrodes, and a midline
  // channel belongs to neither side: they may be onset channels and give the region, but never
  // the hemisphere. So each electrode gets two scores: over all its good channels (region), and
  // over its good sided channels only (side).
  std::vector<char> in_cluster(n, 0);
  for (const auto c : cluster) in_cluster[c] = 1;
  auto sided = [&](std::size_t c) { return lateral(geometry.labels[c].hemisphere); };
  std::vector<double> electrode_score(geometry.electrodes.size(), -1.0);
  std::vector<double> sided_score(geometry.electrodes.size(), -1.0);
  for (std::size_t e = 0; e < geometry.electrodes.size(); ++e) {
    const auto& channels = geometry.electrode_channels[e];
    bool candidate = false, sided_candidate = false;
    double total = 0.0, sided_total = 0.0;
    int counted = 0, sided_counted = 0;
    for (const auto c : channels) {
      if (!good[c]) continue;
      candidate = candidate || in_cluster[c];
      total += excess[c];
      ++counted;
      if (sided(c)) {
        sided_candidate = sided_candidate || in_cluster[c];
        sided_total += excess[c];
        ++sided_counted;
      }
    }
    if (candidate && counted > 0) electrode_score[e] = total / counted;
    if (sided_candidate && lateral(geometry.electrodes[e].hemisphere)) {
      sided_score[e] = sided_total / sided_counted;
    }
  }
  Hemisphere hemisphere = Hemisphere::unknown;
  if (std::isfinite(li) && std::abs(li) >= params.lateralization_threshold) {
    hemisphere = li > 0 ? Hemisphere::left : Hemisphere::right;
    // The focus channel (step 2) is where the seizure started and rose most over its first
    // seconds; a sided focus decides against an LI of the other sign. The LI's 4 s window can be
    // led by the other side when the focus rises gradually and the homologous region, reached
    // within seconds, rises faster (the reported side would then contradict the onset channels
    // reported with it).
    const Hemisphere focus_side = geometry.labels[seed].hemisphere;
    if (lateral(focus_side)) hemisphere = focus_side;
  }
  auto best_of = [&](const std::vector<double>& score, bool same_side_only) {
    int best = -1;
    for (std::size_t e = 0; e < score.size(); ++e) {
      if (score[e] < 0) continue;
      if (same_side_only && geometry.electrodes[e].hemisphere != hemisphere) continue;
      if (best < 0 || score[e] > score[static_cast<std::size_t>(best)]) best = static_cast<int>(e);
    }
    return best;
  };
  if (hemisphere == Hemisphere::unknown) {
    // No decisive LI: a midline focus electrode gives "midline"; a lateral one leaves the side to
    // the strongest electrode over sided onset channels, and to nobody when there is none.
    auto site_side = [&](int e) {
      return geometry.electrodes[static_cast<std::size_t>(e)].hemisphere;
    };
    const int overall = best_of(electrode_score, false);
    if (overall >= 0 && !lateral(site_side(overall))) {
      hemisphere = site_side(overall);
      if (!lateral(hemisphere) && std::isfinite(li)) hemisphere = Hemisphere::midline;
    } else if (overall >= 0) {
      const int side = best_of(sided_score, false);
      if (side >= 0) hemisphere = site_side(side);
    } else {
      // No onset channel has a known electrode: the first onset channel with a side or on the
      // midline decides (a cross-hemisphere channel does not).
      for (const auto c : cluster) {
        const Hemisphere h = geometry.labels[c].hemisphere;
        if (lateral(h) || h == Hemisphere::midline) {
          hemisphere = h;
          break;
        }
      }
    }
  }
  int focus = lateral(hemisphere) ? best_of(electrode_score, true) : -1;
  if (focus < 0) focus = best_of(electrode_score, false);
  if (focus >= 0) {
    result.seizure.region = geometry.electrodes[static_cast<std::size_t>(focus)].region;
  }
  result.seizure.hemisphere = hemisphere;

  // 6. Confidence: how far the event rose above the switch-on threshold, times how clearly one
  // side dominates at onset.
  const double strength = std::clamp(
      (peak_gain_db - params.on_threshold_db) / std::max(1.0, params.on_threshold_db), 0.0, 1.0);
  const double side = std::isfinite(li) ? std::min(1.0, std::abs(li) / 0.5) : 0.0;
  result.seizure.confidence = std::clamp(0.5 * strength + 0.5 * strength * side, 0.0, 1.0);
  return result;
}

}  // namespace ictaltrack::detail
