// Re-referencing (montages) as one linear map per montage: output channel r = sum over input
// channels c of weight(r, c) * input c. The map holds no state between samples, so a long
// recording is re-referenced chunk by chunk with identical results.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ictaltrack/electrodes/electrodes.hpp"

namespace ictaltrack {

/// One bipolar derivation: anode minus cathode (electrode names in any accepted spelling).
struct Derivation {
  std::string anode;
  std::string cathode;
};

/// What bipolar_montage does with a derivation whose electrodes the recording lacks.
enum class MissingDerivations { raise, skip };

/// A re-referencing matrix over the channels of one recording.
class Montage {
 public:
  /// `weights` is row-major, output_labels.size() rows by `input_channels` columns.
  Montage(std::size_t input_channels, std::vector<std::string> output_labels,
          std::vector<double> weights);

  std::size_t input_channels() const noexcept { return input_channels_; }
  std::size_t output_channels() const noexcept { return output_labels_.size(); }
  const std::vector<std::string>& output_labels() const noexcept { return output_labels_; }
  /// Row-major output_channels() x input_channels() matrix.
  const std::vector<double>& weights() const noexcept { return weights_; }
  double weight(std::size_t output, std::size_t input) const;

  /// Re-references a channel-major block: input row c (c < input_channels()) holds n_samples
  /// values starting at input + c * input_stride; output row r is written at
  /// output + r * output_stride; output must not overlap input. Units are kept (a montage is a
  /// weighted difference of signals). Throws std::invalid_argument when a stride < n_samples.
  void apply(const float* input, std::size_t input_stride, float* output, std::size_t output_stride,
             std::size_t n_samples) const;
  void apply(const double* input, std::size_t input_stride, double* output,
             std::size_t output_stride, std::size_t n_samples) const;

 private:
  void find_shared_form();

  std::size_t input_channels_;
  std::vector<std::string> output_labels_;
  std::vector<double> weights_;
  std::vector<float> weights_float_;
  // When every row is "one input + a shared combination" (the common average), the shared
  // combination is formed once per sample instead of once per output row.
  std::vector<std::size_t> shared_source_;  // per output row; empty when not of that form
  std::vector<double> shared_weights_;
  std::vector<float> shared_weights_float_;
};

/// Common average reference. Eligible channels: referential EEG channels of known site (so
/// non-EEG, bipolar and unrecognised channels are left out). The average is taken over the
/// eligible channels not flagged in `bad` (one flag per channel, or empty); every eligible
/// channel, bad ones included, gets an output row labelled "<name>-AVG", in input order.
/// Throws std::invalid_argument when no good eligible channel is left, and UnsupportedError when
/// the eligible channels state different references (e.g. Fp1-A1 with Fp2-A2).
Montage average_reference(const std::vector<LabelInfo>& channels,
                          const std::vector<bool>& bad = {});

/// Bipolar derivations from referential channels (anode - cathode, both referential EEG channels
/// sharing one reference) or, failing that, from a recorded bipolar channel of the same pair
/// (copied, or negated when recorded the other way round). Output labels are canonical pairs
/// ("Fp1-F7", "F7-T7"). With MissingDerivations::raise a derivation the recording cannot give
/// throws std::invalid_argument naming it; with skip it is left out and, when `skipped` is
/// given, appended to it. Unknown electrode names in `derivations` throw std::invalid_argument.
Montage bipolar_montage(const std::vector<LabelInfo>& channels,
                        const std::vector<Derivation>& derivations,
                        MissingDerivations on_missing = MissingDerivations::raise,
                        std::vector<Derivation>* skipped = nullptr);

/// Names of the built-in bipolar montages: "double_banana" (ACNS longitudinal bipolar, 18
/// derivations), "tcp" (TUH temporal central parasagittal, 22), "chb_mit" (CHB-MIT, 23).
std::vector<std::string> montage_names();
/// The derivations of a built-in montage; throws std::invalid_argument for another name.
const std::vector<Derivation>& named_montage(std::string_view name);

}  // namespace ictaltrack
