// Band-power engine: values against a plain DFT written from the definitions (the scipy oracle
// comparisons live in tests/python/test_band_power.py), hand-derived cases, and the streaming
// contract (any chunking == one piece, bit for bit; bounded memory; segments).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "ictaltrack/spectral/band_power.hpp"
#include "test_support.hpp"

namespace ictaltrack {
namespace {

std::vector<double> random_signal(std::size_t n_channels, std::size_t n_times, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 30.0);
  std::vector<double> data(n_channels * n_times);
  for (std::size_t c = 0; c < n_channels; ++c)
    for (std::size_t i = 0; i < n_times; ++i)
      data[c * n_times + i] = normal(rng) + 100.0 * static_cast<double>(c) +
                              0.01 * static_cast<double>(i);  // offsets and a drift
  return data;
}

// Band power of one window straight from the definitions: O(N^2) DFT, scipy's density scaling,
// one-sided doubling, rectangle rule over low <= f < high.
std::vector<double> reference_window(const double* x, std::size_t n, double sfreq,
                                     const BandPowerOptions& options) {
  const std::vector<double> w = window_coefficients(options.window, n);
  std::vector<double> y(x, x + n);
  double mean = 0, slope = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  if (options.detrend == Detrend::linear) {
    double num = 0, den = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const double t = static_cast<double>(k) - (static_cast<double>(n) - 1) / 2;
      num += t * (y[k] - mean);
      den += t * t;
    }
    slope = num / den;
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double t = static_cast<double>(k) - (static_cast<double>(n) - 1) / 2;
    if (options.detrend == Detrend::constant) y[k] -= mean;
    if (options.detrend == Detrend::linear) y[k] -= mean + slope * t;
    y[k] *= w[k];
  }
  double w2 = 0;
  for (double v : w) w2 += v * v;
  const double df = sfreq / static_cast<double>(n);
  std::vector<double> psd(n / 2 + 1);
  for (std::size_t f = 0; f <= n / 2; ++f) {
    std::complex<double> sum = 0;
    for (std::size_t k = 0; k < n; ++k)
      sum += y[k] * std::polar(1.0, -2 * std::numbers::pi * static_cast<double>(f * k % n) /
                                        static_cast<double>(n));
    const bool doubled = f != 0 && !(n % 2 == 0 && f == n / 2);
    psd[f] = std::norm(sum) / (sfreq * w2) * (doubled ? 2.0 : 1.0);
  }
  std::vector<double> out;
  for (const Band& band : options.bands) {
    double power = 0;
    for (std::size_t f = 0; f < psd.size(); ++f) {
      const double freq = static_cast<double>(f) * df;
      if (band.low_hz <= freq && freq < band.high_hz) power += psd[f] * df;
    }
    out.push_back(power);
  }
  return out;
}

void expect_same(const BandPowerResult& a, const BandPowerResult& b) {
  ASSERT_EQ(a.n_windows, b.n_windows);
  ASSERT_EQ(a.n_channels, b.n_channels);
  ASSERT_EQ(a.n_bands, b.n_bands);
  EXPECT_EQ(a.power, b.power);  // bit for bit
  EXPECT_EQ(a.window_start, b.window_start);
  EXPECT_EQ(a.times_s, b.times_s);
}

TEST(WindowCoefficients, PeriodicDefinitions) {
  const auto hann = window_coefficients(WindowFunction::hann, 4);
  const std::vector<double> hann_expected{0.0, 0.5, 1.0, 0.5};
  const auto hamming = window_coefficients(WindowFunction::hamming, 4);
  const std::vector<double> hamming_expected{0.08, 0.54, 1.0, 0.54};
  const auto blackman = window_coefficients(WindowFunction::blackman, 4);
  const std::vector<double> blackman_expected{0.0, 0.34, 1.0, 0.34};
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(hann[k], hann_expected[k], 1e-15);
    EXPECT_NEAR(hamming[k], hamming_expected[k], 1e-15);
    EXPECT_NEAR(blackman[k], blackman_expected[k], 1e-15);
    EXPECT_EQ(window_coefficients(WindowFunction::boxcar, 4)[k], 1.0);
  }
  EXPECT_EQ(parse_window_function("Rectangular"), WindowFunction::boxcar);
  EXPECT_EQ(parse_window_function("hanning"), WindowFunction::hann);
  EXPECT_THROW(parse_window_function("kaiser"), std::invalid_argument);
  EXPECT_EQ(parse_detrend("LINEAR"), Detrend::linear);
  EXPECT_THROW(parse_detrend("quadratic"), std::invalid_argument);
}

TEST(BandPower, MatchesPlainDftForEveryWindowAndDetrend) {
  const double sfreq = 100.0;
  const std::size_t n_channels = 3, n_times = 1000;
  const auto data = random_signal(n_channels, n_times, 1);
  for (auto window : {WindowFunction::hann, WindowFunction::hamming, WindowFunction::boxcar,
                      WindowFunction::blackman}) {
    for (auto detrend : {Detrend::none, Detrend::constant, Detrend::linear}) {
      BandPowerOptions options;
      options.window = window;
      options.detrend = detrend;
      options.window_s = 1.27;  // 127 samples: odd length, no Nyquist bin
      options.step_s = 0.5;
      options.bands = {{"low", 0.0, 3.0}, {"mid", 3.0, 17.5}, {"high", 17.5, 50.1}};
      const BandPowerResult result = band_power(data.data(), n_channels, n_times, sfreq, options);
      ASSERT_EQ(result.n_windows, (n_times - 127) / 50 + 1);
      for (std::size_t w = 0; w < result.n_windows; w += 3) {
        for (std::size_t c = 0; c < n_channels; ++c) {
          const auto expected =
              reference_window(data.data() + c * n_times + w * 50, 127, sfreq, options);
          for (std::size_t b = 0; b < 3; ++b)
            EXPECT_NEAR(result.at(w, c, b), expected[b], 1e-9 * expected[b] + 1e-12)
                << to_string(window) << " " << to_string(detrend) << " w" << w << " c" << c;
        }
      }
    }
  }
}

TEST(BandPower, EvenWindowDoesNotDoubleNyquist) {
  const double sfreq = 64.0;
  const std::size_t n = 64 * 5;
  std::vector<double> data(n);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  for (double& v : data) v = normal(rng);
  BandPowerOptions options;
  options.window_s = 1.0;
  options.bands = {{"top", 30.0, 40.0}};  // bins 30, 31 and the Nyquist bin 32
  const auto result = band_power(data.data(), 1, n, sfreq, options);
  for (std::size_t w = 0; w < result.n_windows; ++w) {
    const auto expected = reference_window(data.data() + w * 64, 64, sfreq, options);
    EXPECT_NEAR(result.at(w, 0, 0), expected[0], 1e-10 * expected[0]);
  }
}

TEST(BandPower, SineOnABinCentreHasPowerHalfAmplitudeSquared) {
  // A sinusoid of amplitude A has power A^2 / 2; with a periodic Hann window and a whole number of
  // cycles its energy falls in three bins, all inside the band.
  const double sfreq = 256.0, amplitude = 40.0, frequency = 10.0;
  const std::size_t n = 256 * 8;
  std::vector<double> data(n);
  for (std::size_t i = 0; i < n; ++i)
    data[i] =
        7.0 + amplitude *
                  std::sin(2 * std::numbers::pi * frequency * static_cast<double>(i) / sfreq + 0.3);
  for (auto window : {WindowFunction::hann, WindowFunction::boxcar, WindowFunction::hamming}) {
    BandPowerOptions options;
    options.window = window;
    options.window_s = 4.0;
    options.bands = default_bands();
    const auto result = band_power(data.data(), 1, n, sfreq, options);
    ASSERT_EQ(result.n_windows, 5u);
    for (std::size_t w = 0; w < result.n_windows; ++w) {
      EXPECT_NEAR(result.at(w, 0, 2), amplitude * amplitude / 2, 1e-9) << to_string(window);
      // Constant detrending removed the 7 uV offset; other bands see only leakage (none for
      // boxcar/Hann, tiny for Hamming sidelobes).
      EXPECT_LT(result.at(w, 0, 0), 1e-3 * amplitude * amplitude) << to_string(window);
    }
  }
}

TEST(BandPower, RelativePowersOfAPartitionSumToOne) {
  const auto data = random_signal(2, 256 * 20, 7);
  BandPowerOptions options;
  options.relative = true;
  options.window_s = 4.0;
  const auto result = band_power(data.data(), 2, 256 * 20, 256.0, options);
  BandPowerOptions absolute = options;
  absolute.relative = false;
  const auto absolute_result = band_power(data.data(), 2, 256 * 20, 256.0, absolute);
  for (std::size_t w = 0; w < result.n_windows; ++w) {
    for (std::size_t c = 0; c < 2; ++c) {
      double sum = 0, absolute_sum = 0;
      for (std::size_t b = 0; b < result.n_bands; ++b) {
        sum += result.at(w, c, b);
        absolute_sum += absolute_result.at(w, c, b);
      }
      EXPECT_NEAR(sum, 1.0, 1e-12);
      EXPECT_NEAR(result.at(w, c, 1), absolute_result.at(w, c, 1) / absolute_sum, 1e-12);
    }
  }
  // A lone band is a fraction of 0.5-70 Hz (the default bands tile exactly that range).
  BandPowerOptions alpha_only = options;
  alpha_only.bands = {{"alpha", 8.0, 13.0}};
  const auto alpha = band_power(data.data(), 2, 256 * 20, 256.0, alpha_only);
  for (std::size_t w = 0; w < alpha.n_windows; ++w) {
    double absolute_sum = 0;
    for (std::size_t b = 0; b < 5; ++b) absolute_sum += absolute_result.at(w, 0, b);
    EXPECT_NEAR(alpha.at(w, 0, 0), absolute_result.at(w, 0, 2) / absolute_sum, 1e-12);
  }
  EXPECT_EQ(BandPowerEngine(256.0, 1, alpha_only).total_range(), std::make_pair(0.5, 70.0));
  alpha_only.bands = {{"high", 60.0, 100.0}};
  EXPECT_EQ(BandPowerEngine(256.0, 1, alpha_only).total_range(), std::make_pair(0.5, 100.0));
}

TEST(BandPower, TimesAreWindowCentres) {
  const auto data = random_signal(1, 1000, 3);
  BandPowerOptions options;
  options.window_s = 0.99;  // 99 samples at 100 Hz
  options.step_s = 0.3;
  const auto result = band_power(data.data(), 1, 1000, 100.0, options);
  ASSERT_EQ(result.n_windows, (1000 - 99) / 30 + 1);
  for (std::size_t w = 0; w < result.n_windows; ++w) {
    EXPECT_EQ(result.window_start[w], static_cast<std::int64_t>(30 * w));
    EXPECT_DOUBLE_EQ(result.times_s[w], (30.0 * static_cast<double>(w) + 49.5) / 100.0);
  }
}

TEST(BandPowerEngine, AnyChunkingGivesTheOnePieceResultBitForBit) {
  const std::size_t n_channels = 5, n_times = 256 * 30;
  const auto data = random_signal(n_channels, n_times, 11);
  std::mt19937 rng(42);
  for (double step_s : {1.0, 0.37, 3.0}) {  // overlapping, odd hop, hop longer than the window
    BandPowerOptions options;
    options.step_s = step_s;
    options.detrend = Detrend::linear;
    const auto whole = band_power(data.data(), n_channels, n_times, 256.0, options);
    for (int trial = 0; trial < 4; ++trial) {
      BandPowerEngine engine(256.0, n_channels, options);
      BandPowerResult streamed;
      std::uniform_int_distribution<std::size_t> size(1, trial == 0 ? 3 : 1500);
      std::size_t offset = 0;
      while (offset < n_times) {
        const std::size_t n = std::min(size(rng), n_times - offset);
        engine.push(data.data() + offset, n, n_times, streamed);  // row stride = full length
        offset += n;
        ASSERT_LT(engine.buffered_samples(), engine.window_samples());
      }
      expect_same(whole, streamed);
    }
  }
}

TEST(BandPowerEngine, ThreadsGiveIdenticalResults) {
  const std::size_t n_channels = 7, n_times = 256 * 40;
  const auto data = random_signal(n_channels, n_times, 13);
  BandPowerOptions options;
  const auto serial = band_power(data.data(), n_channels, n_times, 256.0, options);
  for (int threads : {2, 3, 0}) {
    options.n_threads = threads;
    expect_same(serial, band_power(data.data(), n_channels, n_times, 256.0, options));
  }
}

TEST(BandPowerEngine, Float32InputEqualsTheSameValuesInFloat64) {
  const auto data = random_signal(3, 5000, 17);
  std::vector<float> narrow(data.begin(), data.end());
  std::vector<double> widened(narrow.begin(), narrow.end());
  expect_same(band_power(narrow.data(), 3, 5000, 200.0),
              band_power(widened.data(), 3, 5000, 200.0));
  // Chunked float input too.
  BandPowerEngine engine(200.0, 3);
  BandPowerResult streamed;
  for (std::size_t offset = 0; offset < 5000; offset += 333)
    engine.push(narrow.data() + offset, std::min<std::size_t>(333, 5000 - offset), 5000, streamed);
  expect_same(band_power(widened.data(), 3, 5000, 200.0), streamed);
}

TEST(BandPowerEngine, MemoryStaysBoundedOverAnHourOfOneSecondChunks) {
  const std::size_t n_channels = 4;
  const double sfreq = 256.0;
  BandPowerEngine engine(sfreq, n_channels);
  const std::size_t bytes = engine.buffer_bytes();
  EXPECT_LT(bytes, 200u * 1024);  // window x channels scale, not recording scale
  std::vector<double> chunk(n_channels * 256);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  std::size_t windows = 0;
  for (int second = 0; second < 3600; ++second) {
    for (double& v : chunk) v = normal(rng);
    BandPowerResult out;  // consumer drains every push
    windows += engine.push(chunk.data(), 256, 256, out);
    ASSERT_EQ(out.power.size(), out.n_windows * n_channels * 5);
    ASSERT_LT(engine.buffered_samples(), engine.window_samples());
    ASSERT_EQ(engine.buffer_bytes(), bytes);
  }
  EXPECT_EQ(windows, 3597u);  // 4 s default windows every 1 s: 3600 - 4 + 1
  EXPECT_EQ(engine.stream_position(), 3600 * 256);
}

TEST(BandPowerEngine, SegmentsNeverShareAWindow) {
  const std::size_t n_channels = 2, first_length = 1300, second_length = 2100;
  const auto first = random_signal(n_channels, first_length, 19);
  const auto second = random_signal(n_channels, second_length, 23);
  const double sfreq = 256.0;
  BandPowerEngine engine(sfreq, n_channels);
  BandPowerResult streamed;
  engine.push(first.data(), first_length, first_length, streamed);
  const std::int64_t gap_start = 5000;  // the second segment starts after a gap
  engine.begin_segment(gap_start);
  engine.push(second.data(), 1000, second_length, streamed);
  engine.push(second.data() + 1000, second_length - 1000, second_length, streamed);

  const auto a = band_power(first.data(), n_channels, first_length, sfreq);
  const auto b = band_power(second.data(), n_channels, second_length, sfreq);
  ASSERT_EQ(streamed.n_windows, a.n_windows + b.n_windows);
  for (std::size_t w = 0; w < a.n_windows; ++w)
    EXPECT_EQ(streamed.window_start[w], a.window_start[w]);
  for (std::size_t w = 0; w < b.n_windows; ++w) {
    EXPECT_EQ(streamed.window_start[a.n_windows + w], gap_start + b.window_start[w]);
    EXPECT_DOUBLE_EQ(streamed.times_s[a.n_windows + w],
                     (static_cast<double>(gap_start + b.window_start[w]) +
                      static_cast<double>(engine.window_samples()) / 2.0) /
                         sfreq);
  }
  std::vector<double> expected(a.power);
  expected.insert(expected.end(), b.power.begin(), b.power.end());
  EXPECT_EQ(streamed.power, expected);
  EXPECT_THROW(engine.begin_segment(gap_start + 10), std::invalid_argument);
}

TEST(BandPowerEngine, WarnsAboutShortWindowsAndNyquist) {
  // The defaults are clean: 4 s holds two cycles of the lowest default edge (0.5 Hz).
  EXPECT_TRUE(BandPowerEngine(256.0, 1).warnings().empty());
  BandPowerOptions short_window;
  short_window.window_s = 2.0;
  const BandPowerEngine short_engine(256.0, 1, short_window);
  ASSERT_EQ(short_engine.warnings().size(), 1u);  // 2 s < two cycles of 0.5 Hz
  EXPECT_EQ(short_engine.warnings()[0].code, "window_too_short");
  EXPECT_EQ(short_engine.warnings()[0].signal, -1);
  BandPowerOptions long_window;
  long_window.window_s = 4.0;
  EXPECT_TRUE(BandPowerEngine(256.0, 1, long_window).warnings().empty());
  const BandPowerEngine slow(100.0, 1, long_window);  // gamma 30-70 Hz crosses Nyquist (50 Hz)
  ASSERT_EQ(slow.warnings().size(), 1u);
  EXPECT_EQ(slow.warnings()[0].code, "band_above_nyquist");
  EXPECT_NE(slow.warnings()[0].message.find("partly above the Nyquist"), std::string::npos);
  BandPowerOptions narrow = long_window;
  narrow.bands = {{"narrow", 10.1, 10.2}, {"beyond", 60.0, 80.0}};
  const BandPowerEngine odd(100.0, 1, narrow);
  ASSERT_EQ(odd.warnings().size(), 3u);  // no bin in narrow; beyond above Nyquist and empty
  std::vector<std::string> codes;
  for (const Warning& warning : odd.warnings()) codes.push_back(warning.code);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"band_above_nyquist", "band_without_bins",
                                             "band_without_bins"}));
}

TEST(BandPowerEngine, RejectsBadConfiguration) {
  EXPECT_THROW(BandPowerEngine(0.0, 1), std::invalid_argument);
  EXPECT_THROW(BandPowerEngine(256.0, 0), std::invalid_argument);
  BandPowerOptions options;
  options.window_s = 0.001;
  EXPECT_THROW(BandPowerEngine(256.0, 1, options), std::invalid_argument);
  options = {};
  options.step_s = -1;
  EXPECT_THROW(BandPowerEngine(256.0, 1, options), std::invalid_argument);
  options = {};
  options.bands = {{"upside-down", 8.0, 4.0}};
  EXPECT_THROW(BandPowerEngine(256.0, 1, options), std::invalid_argument);
  options = {};
  options.bands.clear();
  EXPECT_THROW(BandPowerEngine(256.0, 1, options), std::invalid_argument);
  options = {};
  options.total_range = std::make_pair(5.0, 1.0);
  EXPECT_THROW(BandPowerEngine(256.0, 1, options), std::invalid_argument);
  BandPowerEngine engine(256.0, 2);
  BandPowerResult out;
  std::vector<double> data(100);
  EXPECT_THROW(engine.push(data.data(), 100, 50, out), std::invalid_argument);  // stride < n
}

TEST(BandPowerEngine, MeasuredPlansAndWisdomFileGiveTheSameValues) {
  const auto data = random_signal(3, 256 * 12, 31);
  const auto estimated = band_power(data.data(), 3, 256 * 12, 256.0);
  const testing::ScratchDir scratch;
  BandPowerOptions options;
  options.planning = FftPlanning::measure;
  options.wisdom_path = (scratch / "fftw.wisdom").string();
  for (int run = 0; run < 2; ++run) {  // the second run imports the wisdom the first wrote
    const auto measured = band_power(data.data(), 3, 256 * 12, 256.0, options);
    ASSERT_EQ(measured.power.size(), estimated.power.size());
    for (std::size_t i = 0; i < measured.power.size(); ++i)
      EXPECT_NEAR(measured.power[i], estimated.power[i], 1e-12 * estimated.power[i]);
    EXPECT_TRUE(std::filesystem::exists(options.wisdom_path));
  }
  options.wisdom_path = (scratch / "missing-dir" / "fftw.wisdom").string();
  const BandPowerEngine engine(256.0, 1, options);
  EXPECT_EQ(engine.warnings().back().code, "fftw_wisdom_not_written");
  EXPECT_NE(engine.warnings().back().message.find("could not write FFTW wisdom"),
            std::string::npos);
}

TEST(BandPowerEngine, EnginesPlannedConcurrentlyInManyThreadsAgree) {
  // Plan creation and destruction go through the global FFTW planner lock; engines of different
  // window lengths made and dropped in parallel must still compute exactly the serial results.
  const auto data = random_signal(2, 3000, 37);
  std::vector<BandPowerOptions> settings(4);
  for (std::size_t i = 0; i < settings.size(); ++i) {
    settings[i].window_s = 1.0 + 0.37 * static_cast<double>(i);
  }
  std::vector<BandPowerResult> serial;
  for (const auto& options : settings)
    serial.push_back(band_power(data.data(), 2, 3000, 256.0, options));
  std::vector<int> mismatches(settings.size(), 0);
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 0; t < settings.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int repeat = 0; repeat < 20; ++repeat) {
          const auto result = band_power(data.data(), 2, 3000, 256.0, settings[t]);
          if (result.power != serial[t].power) ++mismatches[t];
        }
      });
    }
  }
  for (int count : mismatches) EXPECT_EQ(count, 0);
}

TEST(BandPowerEngine, ShortInputGivesNoWindow) {
  const auto data = random_signal(2, 511, 29);
  const auto result = band_power(data.data(), 2, 511, 256.0);
  EXPECT_EQ(result.n_windows, 0u);
  EXPECT_TRUE(result.power.empty());
}

}  // namespace
}  // namespace ictaltrack
