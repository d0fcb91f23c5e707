// Neighbourhood graph of channels, from the angles between their electrodes on the sphere.
#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack {
namespace {

bool located_eeg(const LabelInfo& channel) {
  return channel.kind == ChannelKind::eeg && !channel.anode.empty();
}

std::vector<std::string> electrodes_of(const LabelInfo& channel) {
  if (!located_eeg(channel)) return {};
  if (channel.is_bipolar) return {channel.anode, channel.cathode};
  return {channel.anode};
}

// Distinct electrodes with a position, by name.
std::map<std::string, Point3> positioned_electrodes(const std::vector<LabelInfo>& channels) {
  std::map<std::string, Point3> electrodes;
  for (const auto& channel : channels) {
    for (const auto& name : electrodes_of(channel)) {
      const auto site = find_electrode(name);
      if (site && site->has_position) electrodes.emplace(name, site->position);
    }
  }
  return electrodes;
}

}  // namespace

double default_neighbour_angle(const std::vector<LabelInfo>& channels) {
  const auto electrodes = positioned_electrodes(channels);
  if (electrodes.size() < 2) return 0.0;
  std::vector<double> nearest;
  for (const auto& [name, position] : electrodes) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& [other_name, other_position] : electrodes) {
      if (other_name != name) best = std::min(best, angle_degrees(position, other_position));
    }
    nearest.push_back(best);
  }
  std::sort(nearest.begin(), nearest.end());
  const std::size_t n = nearest.size();
  const double median = n % 2 == 1 ? nearest[n / 2] : 0.5 * (nearest[n / 2 - 1] + nearest[n / 2]);
  return kNeighbourAngleFactor * median;
}

std::vector<std::vector<std::size_t>> channel_neighbours(const std::vector<LabelInfo>& channels,
                                                         double max_angle_degrees) {
  if (max_angle_degrees <= 0.0) max_angle_degrees = default_neighbour_angle(channels);
  const auto positions = positioned_electrodes(channels);
  // A small tolerance so that sites exactly at the threshold are not split by rounding.
  const double limit = max_angle_degrees + 1e-9;
  auto electrodes_adjacent = [&](const std::string& a, const std::string& b) {
    if (a == b) return true;
    const auto pa = positions.find(a);
    const auto pb = positions.find(b);
    if (pa == positions.end() || pb == positions.end()) return false;
    return angle_degrees(pa->second, pb->second) <= limit;
  };
  std::vector<std::vector<std::string>> members(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) members[i] = electrodes_of(channels[i]);

  std::vector<std::vector<std::size_t>> adjacency(channels.size());
  for (std::size_t i = 0; i < channels.size(); ++i) {
    for (std::size_t j = i + 1; j < channels.size(); ++j) {
      bool adjacent = false;
      for (const auto& a : members[i]) {
        for (const auto& b : members[j]) adjacent = adjacent || electrodes_adjacent(a, b);
      }
      if (adjacent) {
        adjacency[i].push_back(j);
        adjacency[j].push_back(i);
      }
    }
  }
  for (auto& list : adjacency) std::sort(list.begin(), list.end());
  return adjacency;
}

std::vector<std::vector<std::size_t>> active_clusters(
    const std::vector<std::vector<std::size_t>>& adjacency, const std::vector<bool>& active) {
  if (active.size() != adjacency.size()) {
    throw std::invalid_argument("active_clusters: one flag per channel is needed");
  }
  std::vector<bool> seen(active.size(), false);
  std::vector<std::vector<std::size_t>> clusters;
  for (std::size_t start = 0; start < active.size(); ++start) {
    if (!active[start] || seen[start]) continue;
    std::vector<std::size_t> cluster;
    std::vector<std::size_t> stack{start};
    seen[start] = true;
    while (!stack.empty()) {
      const std::size_t channel = stack.back();
      stack.pop_back();
      cluster.push_back(channel);
      for (std::size_t next : adjacency[channel]) {
        if (next < active.size() && active[next] && !seen[next]) {
          seen[next] = true;
          stack.push_back(next);
        }
      }
    }
    std::sort(cluster.begin(), cluster.end());
    clusters.push_back(std::move(cluster));
  }
  return clusters;
}

}  // namespace ictaltrack
