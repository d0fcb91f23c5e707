// The machine's practical floor for the reference job (docs/performance.md): mmap the EDF file,
// decode the 16-bit samples, and for every channel and every 2 s window (1 s hop) apply the Hann
// window, run one FFTW r2c transform, remove the mean (in the frequency domain: two bins) and sum
// the five bands. One thread,
// no streaming machinery, no checks beyond what the loop needs: what a hand-written C++ program
// that knows the file layout in advance would do. Not part of the library.
//
// Limits (it is a yardstick, not a reader): 16-bit EDF only, every data channel at the same
// number of samples per record, window = 2 records and hop = 1 record (true for the reference
// file with 1 s records). Annotation signals are skipped by label.
//
//   floor_loop FILE        prints one JSON line: wall seconds, windows, channels, checksum
#include <fcntl.h>
#include <fftw3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

namespace {

struct Band {
  double low_hz, high_hz;
};
constexpr Band kBands[] = {{0.5, 4.0}, {4.0, 8.0}, {8.0, 13.0}, {13.0, 30.0}, {30.0, 70.0}};
constexpr std::size_t kNumBands = std::size(kBands);

double header_number(const unsigned char* header, std::size_t offset, std::size_t width) {
  return std::stod(std::string(reinterpret_cast<const char*>(header) + offset, width));
}

int fail(const char* message) {
  std::fprintf(stderr, "floor_loop: %s\n", message);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: floor_loop FILE.edf");
  const auto started = std::chrono::steady_clock::now();

  const int fd = ::open(argv[1], O_RDONLY);
  if (fd < 0) return fail("cannot open the file");
  struct stat status {};
  if (::fstat(fd, &status) != 0) return fail("cannot stat the file");
  const auto file_bytes = static_cast<std::size_t>(status.st_size);
  void* mapping = ::mmap(nullptr, file_bytes, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapping == MAP_FAILED) return fail("cannot mmap the file");
  ::madvise(mapping, file_bytes, MADV_SEQUENTIAL);
  const auto* bytes = static_cast<const unsigned char*>(mapping);

  const auto header_bytes = static_cast<std::size_t>(header_number(bytes, 184, 8));
  const auto n_records = static_cast<std::size_t>(header_number(bytes, 236, 8));
  const double record_s = header_number(bytes, 244, 8);
  const auto n_signals = static_cast<std::size_t>(header_number(bytes, 252, 4));
  const unsigned char* fields = bytes + 256;
  const std::size_t ns = n_signals;
  // Field blocks of the signal header, in EDF order (label 16, transducer 80, dimension 8,
  // pmin 8, pmax 8, dmin 8, dmax 8, prefilter 80, samples per record 8, reserved 32).
  const std::size_t at_pmin = ns * (16 + 80 + 8), at_pmax = at_pmin + ns * 8;
  const std::size_t at_dmin = at_pmax + ns * 8, at_dmax = at_dmin + ns * 8;
  const std::size_t at_spr = at_dmax + ns * 8 + ns * 80;

  struct Channel {
    std::size_t byte_offset;  // inside a record
    double gain, offset;
  };
  std::vector<Channel> channels;
  std::size_t record_bytes = 0, per_record = 0;
  for (std::size_t s = 0; s < ns; ++s) {
    const auto spr = static_cast<std::size_t>(header_number(fields, at_spr + s * 8, 8));
    const std::string label(reinterpret_cast<const char*>(fields) + s * 16, 16);
    if (label.find("Annotations") == std::string::npos) {
      if (per_record != 0 && spr != per_record) return fail("channels differ in rate");
      per_record = spr;
      const double pmin = header_number(fields, at_pmin + s * 8, 8);
      const double pmax = header_number(fields, at_pmax + s * 8, 8);
      const double dmin = header_number(fields, at_dmin + s * 8, 8);
      const double dmax = header_number(fields, at_dmax + s * 8, 8);
      const double gain = (pmax - pmin) / (dmax - dmin);
      channels.push_back({record_bytes, gain, pmin - gain * dmin});
    }
    record_bytes += spr * 2;
  }
  if (channels.empty() || per_record == 0) return fail("no data channel");
  if (header_bytes + n_records * record_bytes > file_bytes) return fail("file is truncated");

  const std::size_t n = 2 * per_record;  // window: two records; hop: one record
  const double sfreq = static_cast<double>(per_record) / record_s;
  std::vector<double> taper(n);
  double taper_power = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    taper[k] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(k) /
                                    static_cast<double>(n));
    taper_power += taper[k] * taper[k];
  }
  // Density-scaled one-sided PSD, times df: weight of |X_k|^2 in a band sum.
  const double df = sfreq / static_cast<double>(n);
  const std::size_t n_bins = n / 2 + 1;
  std::vector<double> weight(n_bins, 2.0 * df / (sfreq * taper_power));
  weight[0] /= 2.0;
  if (n % 2 == 0) weight[n_bins - 1] /= 2.0;
  std::size_t first_bin[kNumBands], last_bin[kNumBands];
  for (std::size_t b = 0; b < kNumBands; ++b) {
    first_bin[b] = last_bin[b] = 0;
    bool started_band = false;
    for (std::size_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * df;
      if (f >= kBands[b].low_hz && f < kBands[b].high_hz) {
        if (!started_band) first_bin[b] = k;
        started_band = true;
        last_bin[b] = k + 1;
      }
    }
  }

  double* in = fftw_alloc_real(n);
  fftw_complex* out = fftw_alloc_complex(n_bins);
  const fftw_plan plan = fftw_plan_dft_r2c_1d(static_cast<int>(n), in, out, FFTW_ESTIMATE);

  const std::size_t n_channels = channels.size();
  std::vector<double> previous(n_channels * per_record), current(per_record);
  const std::size_t n_windows = n_records >= 2 ? n_records - 1 : 0;
  std::vector<double> power(n_windows * n_channels * kNumBands);

  for (std::size_t r = 0; r < n_records; ++r) {
    const unsigned char* record = bytes + header_bytes + r * record_bytes;
    for (std::size_t c = 0; c < n_channels; ++c) {
      const unsigned char* p = record + channels[c].byte_offset;
      for (std::size_t k = 0; k < per_record; ++k) {
        const auto digital = static_cast<std::int16_t>(p[2 * k] | (p[2 * k + 1] << 8));
        current[k] = channels[c].gain * digital + channels[c].offset;
      }
      double* kept = previous.data() + c * per_record;
      if (r > 0) {
        // Mean removal in the frequency domain, as the library does it: window x as it is (one
        // pass that also sums it in four independent partial sums), then subtract mean * W from
        // the two bins where the Hann window's spectrum W is non-zero (W[0] = n/2, W[1] = -n/4).
        double partial[4] = {0.0, 0.0, 0.0, 0.0};
        for (std::size_t k = 0; k < per_record; k += 4) {
          for (std::size_t j = 0; j < 4 && k + j < per_record; ++j) {
            partial[j] += kept[k + j] + current[k + j];
            in[k + j] = kept[k + j] * taper[k + j];
            in[per_record + k + j] = current[k + j] * taper[per_record + k + j];
          }
        }
        const double mean =
            ((partial[0] + partial[1]) + (partial[2] + partial[3])) / static_cast<double>(n);
        fftw_execute(plan);
        out[0][0] -= mean * (static_cast<double>(n) / 2.0);
        out[1][0] += mean * (static_cast<double>(n) / 4.0);
        double* target = power.data() + ((r - 1) * n_channels + c) * kNumBands;
        for (std::size_t b = 0; b < kNumBands; ++b) {
          double sum = 0.0;
          for (std::size_t k = first_bin[b]; k < last_bin[b]; ++k)
            sum += weight[k] * (out[k][0] * out[k][0] + out[k][1] * out[k][1]);
          target[b] = sum;
        }
      }
      std::memcpy(kept, current.data(), per_record * sizeof(double));
    }
  }
  double checksum = 0.0;
  for (double value : power) checksum += value;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("{\"wall_s\": %.6f, \"n_windows\": %zu, \"n_channels\": %zu, \"checksum\": %.17g}\n",
              seconds, n_windows, n_channels, checksum);

  fftw_destroy_plan(plan);
  fftw_free(in);
  fftw_free(out);
  ::munmap(mapping, file_bytes);
  ::close(fd);
  return 0;
}
