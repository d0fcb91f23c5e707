// Re-referencing matrices (common average, bipolar) and their application with Eigen.
#include "ictaltrack/conditioning/montage.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "core/text.hpp"
#include "ictaltrack/errors.hpp"

namespace ictaltrack {
namespace {

void check_strides(std::size_t input_stride, std::size_t output_stride, std::size_t n_samples) {
  if (input_stride < n_samples || output_stride < n_samples) {
    throw std::invalid_argument("montage: a row stride is shorter than the number of samples");
  }
}

template <typename T>
void apply_weights(const std::vector<T>& weights, std::size_t n_out, std::size_t n_in,
                   const T* input, std::size_t input_stride, T* output, std::size_t output_stride,
                   std::size_t n_samples) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Stride = Eigen::OuterStride<>;
  if (n_samples == 0 || n_out == 0) return;
  check_strides(input_stride, output_stride, n_samples);
  const Eigen::Map<const Matrix> w(weights.data(), static_cast<Eigen::Index>(n_out),
                                   static_cast<Eigen::Index>(n_in));
  const Eigen::Map<const Matrix, 0, Stride> in(input, static_cast<Eigen::Index>(n_in),
                                               static_cast<Eigen::Index>(n_samples),
                                               Stride(static_cast<Eigen::Index>(input_stride)));
  Eigen::Map<Matrix, 0, Stride> out(output, static_cast<Eigen::Index>(n_out),
                                    static_cast<Eigen::Index>(n_samples),
                                    Stride(static_cast<Eigen::Index>(output_stride)));
  // Row by row, adding the non-zero weights in channel order: every output sample then sees
  // the same operations whatever the chunk length, so chunked and whole-file results are
  // bit-identical (a dense GEMM blocks differently per size), and the sparse bipolar rows cost
  // two passes instead of n_in.
  for (Eigen::Index r = 0; r < out.rows(); ++r) {
    auto row = out.row(r);
    row.setZero();
    for (Eigen::Index c = 0; c < w.cols(); ++c) {
      const T weight = w(r, c);
      if (weight != T(0)) row += weight * in.row(c);
    }
  }
}

// out_r = in_{source[r]} + sum_c shared[c] in_c. Output row 0 first holds the shared sum;
// every sample sees the same operations whatever the chunk length.
template <typename T>
void apply_shared(const std::vector<std::size_t>& source, const std::vector<T>& shared,
                  const T* input, std::size_t input_stride, T* output, std::size_t output_stride,
                  std::size_t n_samples) {
  using Row = Eigen::Map<Eigen::Array<T, 1, Eigen::Dynamic>>;
  using ConstRow = Eigen::Map<const Eigen::Array<T, 1, Eigen::Dynamic>>;
  const auto n = static_cast<Eigen::Index>(n_samples);
  Row common(output, n);
  common.setZero();
  for (std::size_t c = 0; c < shared.size(); ++c) {
    if (shared[c] != T(0)) common += shared[c] * ConstRow(input + c * input_stride, n);
  }
  for (std::size_t r = 1; r < source.size(); ++r) {
    Row(output + r * output_stride, n) = ConstRow(input + source[r] * input_stride, n) + common;
  }
  common = ConstRow(input + source[0] * input_stride, n) + common;
}

bool referential_eeg(const LabelInfo& channel) {
  return channel.kind == ChannelKind::eeg && !channel.is_bipolar && !channel.anode.empty();
}

// Referential channels must share one reference to be subtracted or averaged; an unstated
// reference ("Fp1", "EEG Fp1") is taken to be the recording's common one.
void check_common_reference(const std::vector<const LabelInfo*>& used, const char* what) {
  std::set<std::string> references;
  for (const LabelInfo* channel : used) {
    if (!channel->reference.empty()) references.insert(channel->reference);
  }
  if (references.size() > 1) {
    std::string list;
    for (const auto& r : references) list += (list.empty() ? "" : ", ") + r;
    throw UnsupportedError(std::string(what) + ": channels have different references (" + list +
                           ")");
  }
}

std::string canonical_electrode(const std::string& name) {
  const auto site = find_electrode(name);
  if (!site)
    throw std::invalid_argument("montage: unknown electrode name '" + detail::printable(name) +
                                "'");
  return site->name;
}

std::vector<Derivation> pairs(std::initializer_list<const char*> chain) {
  std::vector<Derivation> derivations;
  for (const char* text : chain) {
    const std::string pair(text);
    const auto dash = pair.find('-');
    derivations.push_back({pair.substr(0, dash), pair.substr(dash + 1)});
  }
  return derivations;
}

}  // namespace

Montage::Montage(std::size_t input_channels, std::vector<std::string> output_labels,
                 std::vector<double> weights)
    : input_channels_(input_channels),
      output_labels_(std::move(output_labels)),
      weights_(std::move(weights)) {
  if (weights_.size() != output_labels_.size() * input_channels_) {
    throw std::invalid_argument("montage: weights must hold outputs x inputs values");
  }
  weights_float_.assign(weights_.begin(), weights_.end());
  find_shared_form();
}

void Montage::find_shared_form() {
  const std::size_t n_out = output_channels();
  const std::size_t n_in = input_channels_;
  if (n_out < 2) return;
  auto row = [&](std::size_t r) { return weights_.data() + r * n_in; };
  for (std::size_t candidate = 0; candidate < n_in; ++candidate) {
    if (row(0)[candidate] == 0.0) continue;
    std::vector<double> shared(row(0), row(0) + n_in);
    shared[candidate] -= 1.0;
    const auto nonzero =
        std::count_if(shared.begin(), shared.end(), [](double w) { return std::abs(w) > 1e-15; });
    if (nonzero < 3) continue;  // bipolar-like rows gain nothing
    std::vector<std::size_t> source{candidate};
    for (std::size_t r = 1; r < n_out && source.size() == r; ++r) {
      std::size_t unit = n_in;
      bool ok = true;
      for (std::size_t c = 0; c < n_in && ok; ++c) {
        const double rest = row(r)[c] - shared[c];
        if (std::abs(rest - 1.0) < 1e-12 && unit == n_in) {
          unit = c;
        } else if (std::abs(rest) > 1e-12) {
          ok = false;
        }
      }
      if (ok && unit < n_in) source.push_back(unit);
    }
    if (source.size() != n_out) continue;
    shared_source_ = std::move(source);
    shared_weights_ = std::move(shared);
    shared_weights_float_.assign(shared_weights_.begin(), shared_weights_.end());
    return;
  }
}

double Montage::weight(std::size_t output, std::size_t input) const {
  if (output >= output_channels() || input >= input_channels_) {
    throw std::out_of_range("montage: weight index out of range");
  }
  return weights_[output * input_channels_ + input];
}

void Montage::apply(const float* input, std::size_t input_stride, float* output,
                    std::size_t output_stride, std::size_t n_samples) const {
  if (!shared_source_.empty() && n_samples > 0) {
    check_strides(input_stride, output_stride, n_samples);
    apply_shared(shared_source_, shared_weights_float_, input, input_stride, output, output_stride,
                 n_samples);
    return;
  }
  apply_weights(weights_float_, output_channels(), input_channels_, input, input_stride, output,
                output_stride, n_samples);
}

void Montage::apply(const double* input, std::size_t input_stride, double* output,
                    std::size_t output_stride, std::size_t n_samples) const {
  if (!shared_source_.empty() && n_samples > 0) {
    check_strides(input_stride, output_stride, n_samples);
    apply_shared(shared_source_, shared_weights_, input, input_stride, output, output_stride,
                 n_samples);
    return;
  }
  apply_weights(weights_, output_channels(), input_channels_, input, input_stride, output,
                output_stride, n_samples);
}

Montage average_reference(const std::vector<LabelInfo>& channels, const std::vector<bool>& bad) {
  if (!bad.empty() && bad.size() != channels.size()) {
    throw std::invalid_argument("average_reference: one bad flag per channel is needed");
  }
  std::vector<std::size_t> eligible;
  std::vector<std::size_t> good;
  std::vector<const LabelInfo*> used;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    if (!referential_eeg(channels[c])) continue;
    eligible.push_back(c);
    used.push_back(&channels[c]);
    if (bad.empty() || !bad[c]) good.push_back(c);
  }
  if (good.empty()) {
    throw std::invalid_argument("average_reference: no good referential EEG channel of known site");
  }
  check_common_reference(used, "average_reference");
  const std::size_t n_in = channels.size();
  std::vector<double> weights(eligible.size() * n_in, 0.0);
  std::vector<std::string> labels;
  const double share = 1.0 / static_cast<double>(good.size());
  for (std::size_t r = 0; r < eligible.size(); ++r) {
    for (std::size_t g : good) weights[r * n_in + g] -= share;
    weights[r * n_in + eligible[r]] += 1.0;
    labels.push_back(channels[eligible[r]].name + "-AVG");
  }
  return Montage(n_in, std::move(labels), std::move(weights));
}

Montage bipolar_montage(const std::vector<LabelInfo>& channels,
                        const std::vector<Derivation>& derivations, MissingDerivations on_missing,
                        std::vector<Derivation>* skipped) {
  std::map<std::string, std::size_t> referential;  // first referential channel per electrode
  std::map<std::pair<std::string, std::string>, std::size_t> recorded_pairs;
  for (std::size_t c = 0; c < channels.size(); ++c) {
    const LabelInfo& channel = channels[c];
    if (referential_eeg(channel)) {
      referential.emplace(channel.anode, c);
      // "T4-A2" is read as T8 referred to A2, yet it also is the recorded pair T8-A2.
      if (const auto reference = find_electrode(channel.reference)) {
        recorded_pairs.emplace(std::make_pair(channel.anode, reference->name), c);
      }
    }
    if (channel.kind == ChannelKind::eeg && channel.is_bipolar) {
      recorded_pairs.emplace(std::make_pair(channel.anode, channel.cathode), c);
    }
  }
  const std::size_t n_in = channels.size();
  std::vector<double> weights;
  std::vector<std::string> labels;
  std::vector<const LabelInfo*> used;
  for (const Derivation& derivation : derivations) {
    const std::string anode = canonical_electrode(derivation.anode);
    const std::string cathode = canonical_electrode(derivation.cathode);
    std::vector<double> row(n_in, 0.0);
    const auto a = referential.find(anode);
    const auto b = referential.find(cathode);
    if (a != referential.end() && b != referential.end()) {
      row[a->second] += 1.0;
      row[b->second] -= 1.0;
      used.push_back(&channels[a->second]);
      used.push_back(&channels[b->second]);
    } else if (const auto forward = recorded_pairs.find({anode, cathode});
               forward != recorded_pairs.end()) {
      row[forward->second] = 1.0;
    } else if (const auto backward = recorded_pairs.find({cathode, anode});
               backward != recorded_pairs.end()) {
      row[backward->second] = -1.0;
    } else if (on_missing == MissingDerivations::skip) {
      if (skipped) skipped->push_back({anode, cathode});
      continue;
    } else {
      throw std::invalid_argument("bipolar_montage: the recording has no channels for " + anode +
                                  "-" + cathode);
    }
    weights.insert(weights.end(), row.begin(), row.end());
    labels.push_back(anode + "-" + cathode);
  }
  check_common_reference(used, "bipolar_montage");
  return Montage(n_in, std::move(labels), std::move(weights));
}

std::vector<std::string> montage_names() { return {"double_banana", "tcp", "chb_mit"}; }

const std::vector<Derivation>& named_montage(std::string_view name) {
  // ACNS longitudinal bipolar: left temporal, left parasagittal, midline, right parasagittal,
  // right temporal chains.
  static const std::vector<Derivation> double_banana =
      pairs({"Fp1-F7", "F7-T7", "T7-P7", "P7-O1", "Fp1-F3", "F3-C3", "C3-P3", "P3-O1", "Fz-Cz",
             "Cz-Pz", "Fp2-F4", "F4-C4", "C4-P4", "P4-O2", "Fp2-F8", "F8-T8", "T8-P8", "P8-O2"});
  // TUH EEG corpus TCP montage, in the corpus's old temporal names.
  static const std::vector<Derivation> tcp =
      pairs({"FP1-F7", "F7-T3", "T3-T5",  "T5-O1", "FP2-F8", "F8-T4", "T4-T6",  "T6-O2",
             "A1-T3",  "T3-C3", "C3-CZ",  "CZ-C4", "C4-T4",  "T4-A2", "FP1-F3", "F3-C3",
             "C3-P3",  "P3-O1", "FP2-F4", "F4-C4", "C4-P4",  "P4-O2"});
  // CHB-MIT's 23 signals, including its repeated T8-P8.
  static const std::vector<Derivation> chb_mit =
      pairs({"FP1-F7", "F7-T7", "T7-P7", "P7-O1",  "FP1-F3",   "F3-C3",   "C3-P3", "P3-O1",
             "FP2-F4", "F4-C4", "C4-P4", "P4-O2",  "FP2-F8",   "F8-T8",   "T8-P8", "P8-O2",
             "FZ-CZ",  "CZ-PZ", "P7-T7", "T7-FT9", "FT9-FT10", "FT10-T8", "T8-P8"});
  if (name == "double_banana") return double_banana;
  if (name == "tcp") return tcp;
  if (name == "chb_mit") return chb_mit;
  throw std::invalid_argument("unknown montage '" + detail::printable(name) +
                              "' (known: double_banana, tcp, chb_mit)");
}

}  // namespace ictaltrack
